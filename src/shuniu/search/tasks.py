"""Index updates in the background (django.tasks). Tasks take ids and are idempotent."""

from django.apps import apps
from django.db import transaction
from django.tasks import task

from shuniu.search.indexing import index_object, remove_entries, remove_object


@task()
def index_record(model_label: str, pk: int) -> int:
    model = apps.get_model(model_label)
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        from django.contrib.contenttypes.models import ContentType

        remove_entries(ContentType.objects.get_for_model(model), pk)
        return 0
    return index_object(obj)


def index_later(obj) -> None:
    """Enqueue a reindex of `obj` once the current transaction commits."""
    label, pk = obj._meta.label_lower, obj.pk
    transaction.on_commit(lambda: index_record.enqueue(label, pk))


def remove_later(obj) -> None:
    """Drop `obj` from the index once the current transaction commits (e.g. before deleting it)."""
    from django.contrib.contenttypes.models import ContentType

    content_type, pk = ContentType.objects.get_for_model(type(obj)), obj.pk
    transaction.on_commit(lambda: remove_entries(content_type, pk))


__all__ = ["index_later", "index_object", "index_record", "remove_later", "remove_object"]
