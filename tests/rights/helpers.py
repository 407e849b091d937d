"""Building blocks for the rights tests: categories, rules and cases in the test world."""

from decimal import Decimal

from shuniu.core.models import Organization, OrganizationKind
from shuniu.rights import services
from shuniu.rights.models import CaseCategory, RoutingRule


def ensure_defaults() -> None:
    """The categories and default deadlines come from a data migration; transactional tests
    (browser, PostgreSQL threads) flush them, so put them back when missing."""
    if not CaseCategory.objects.exists():
        import importlib

        from django.apps import apps

        importlib.import_module("shuniu.rights.migrations.0002_default_categories").create(apps, None)


def category(code: str = "wage_arrears") -> CaseCategory:
    ensure_defaults()
    return CaseCategory.objects.get(code=code)


def route(world, code: str = "wage_arrears", organization=None, region=None, department=None) -> RoutingRule:
    return RoutingRule.objects.create(
        category=category(code),
        organization=organization or world.org_a,
        region=region,
        notify_department=department,
    )


def legal_aid_org(world) -> Organization:
    org, _created = Organization.objects.get_or_create(
        code="union-legal-aid",
        defaults={
            "name": "临江区总工会职工法律援助中心",
            "short_name": "工会法援中心",
            "kind": OrganizationKind.UNION,
            "region": world.district,
            "parent": world.org_b,
        },
    )
    return org


def make_case(world, code: str = "wage_arrears", phone: str = "13812345678", **kwargs):
    """A case routed to the Women's Federation (org_a), as the hotline would take it."""
    if not RoutingRule.objects.filter(category__code=code, organization=world.org_a).exists():
        route(world, code)
    params = {
        "channel": "hotline_12338",
        "category": category(code),
        "name": "王芳",
        "phone": phone,
        "community": world.community,
        "description": "工厂拖欠三个月工资共一万二千元。",
        "consent_processing": True,
        "actor": world.caseworker,
        "amount_claimed": Decimal("12000.00"),
    }
    params.update(kwargs)
    return services.submit_case(**params)
