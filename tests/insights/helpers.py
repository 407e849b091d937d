from shuniu.insights.models import PeriodReport
from shuniu.insights.tasks import generate_period_report


def ready_report(world, user=None, period="2026", kind="yearly"):
    """A generated report of the joint office (the coordinator's organisation)."""
    user = user or world.coordinator
    from shuniu.core.scoping import get_scope

    report = PeriodReport.objects.create(
        kind=kind, period=period, organization=get_scope(user).primary_organization, requested_by=user
    )
    generate_period_report.call(report.pk)
    report.refresh_from_db()
    return report
