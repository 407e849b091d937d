from django.db import migrations


def refresh_name_keys(apps, schema_editor):
    """The name key is now computed character by character; recompute it for existing people."""
    from shuniu.people.matching import name_key

    Person = apps.get_model("people", "Person")
    batch = []
    for person in Person.objects.only("id", "name").iterator(chunk_size=1000):
        person.name_key = name_key(person.name)
        batch.append(person)
        if len(batch) >= 1000:
            Person.objects.bulk_update(batch, ["name_key"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [("people", "0003_resolution_consent_import")]

    operations = [migrations.RunPython(refresh_name_keys, migrations.RunPython.noop)]
