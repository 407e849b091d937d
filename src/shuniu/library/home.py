from django.urls import reverse
from django.utils.translation import gettext as _

from shuniu.core.hooks import HomeCard
from shuniu.core.scoping import get_scope
from shuniu.library.models import ContentReport, ProcessingStatus, ReportStatus, Resource


def cards(request) -> list[HomeCard]:
    scope = get_scope(request.user)
    result = []
    if scope.has("library:moderate"):
        reports = ContentReport.objects.visible_to(request.user).filter(status=ReportStatus.OPEN)
        first = list(reports.select_related("resource").order_by("-id")[:3])
        result.append(
            HomeCard(
                title=_("Library reports to handle"),
                count=reports.count(),
                url=reverse("library:moderation"),
                empty_text=_("No open reports about your organisation's resources."),
                tone="orange",
                order=70,
                items=[
                    (report.resource.title, reverse("library:detail", args=[report.resource_id])) for report in first
                ],
            )
        )
    if scope.has("library:upload"):
        failed = Resource.objects.filter(uploaded_by=request.user, versions__status=ProcessingStatus.FAILED).distinct()
        first = list(failed.order_by("-id")[:3])
        result.append(
            HomeCard(
                title=_("My uploads that could not be processed"),
                count=failed.count(),
                url=reverse("library:index") + "?show=mine",
                empty_text=_("All your uploads were processed. Share policies and materials in the resource library."),
                tone="red" if first else "azure",
                order=71,
                items=[(resource.title, reverse("library:detail", args=[resource.pk])) for resource in first],
            )
        )
    return result
