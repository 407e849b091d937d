"""The categories of the district's rights work and the default deadlines (editable afterwards)."""

from django.db import migrations

CATEGORIES = [
    ("wage_arrears", "欠薪讨薪", "Wage arrears", False, 10),
    ("labour_contract", "劳动合同", "Labour contract", False, 20),
    ("work_injury", "工伤认定与赔偿", "Work injury", False, 30),
    ("social_insurance", "社会保险", "Social insurance", False, 40),
    ("workplace_discrimination", "就业与职场歧视", "Workplace discrimination", False, 50),
    ("domestic_violence", "家庭暴力", "Domestic violence", True, 60),
    ("marriage_family", "婚姻家庭", "Marriage and family", False, 70),
    ("minors_protection", "未成年人保护", "Minors' protection", True, 80),
    ("disability_rights", "残疾人权益", "Disability rights", False, 90),
    ("other", "其他", "Other", False, 100),
]
# (complexity, first response, resolution) in working days: 一般 15, 难点 30, 特别复杂 60.
DEFAULT_DEADLINES = [("ordinary", 1, 15), ("difficult", 1, 30), ("very_complex", 2, 60)]


def create(apps, schema_editor):
    CaseCategory = apps.get_model("rights", "CaseCategory")
    DeadlinePolicy = apps.get_model("rights", "DeadlinePolicy")
    for code, name, name_en, sensitive, order in CATEGORIES:
        CaseCategory.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "is_sensitive": sensitive, "order": order}
        )
    for complexity, first, resolution in DEFAULT_DEADLINES:
        DeadlinePolicy.objects.get_or_create(
            category=None,
            complexity=complexity,
            defaults={"first_response_days": first, "resolution_days": resolution, "referral_response_days": 2},
        )
    # Sensitive cases need a faster first response.
    for code in ("domestic_violence", "minors_protection"):
        category = CaseCategory.objects.get(code=code)
        for complexity, _first, resolution in DEFAULT_DEADLINES:
            DeadlinePolicy.objects.get_or_create(
                category=category,
                complexity=complexity,
                defaults={"first_response_days": 0, "resolution_days": resolution, "referral_response_days": 1},
            )


class Migration(migrations.Migration):
    dependencies = [("rights", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
