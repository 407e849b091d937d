"""Staff pages of the Excel import: upload, column mapping, preview with each row's problems,
confirmation, progress, report of rejected rows; and the export with the same headers."""

import io
import json

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from shuniu.core.audit import log_action
from shuniu.core.decorators import permission_required
from shuniu.core.htmx import render_page
from shuniu.core.scoping import get_visible_or_404
from shuniu.core.services import DomainError
from shuniu.people import importing
from shuniu.people.forms import MappingForm, UploadForm
from shuniu.people.models import ImportJob, ImportRow, ImportStatus, Person, RowStatus
from shuniu.people.views import acting_organization

PREVIEW_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@permission_required("people:import")
def import_list(request):
    organization = acting_organization(request, "people:import")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = ImportJob(organization=organization, created_by=request.user, original_name=upload.name[:200])
        job.file.save(upload.name, upload, save=False)
        job.save()
        try:
            importing.open_upload(job)
        except DomainError as error:
            job.file.delete(save=False)
            job.delete()
            form.add_error("file", error.message)
        else:
            log_action("people.import.uploaded", actor=request.user, organization=organization, obj=job)
            return redirect("people:import_detail", pk=job.pk)
    jobs = ImportJob.objects.visible_to(request.user).select_related("organization", "created_by").order_by("-pk")[:30]
    return render(request, "people/import_list.html", {"form": form, "jobs": jobs})


@permission_required("people:import")
def import_detail(request, pk):
    job = get_visible_or_404(ImportJob.objects.select_related("organization"), request.user, pk=pk)
    mapping_form = None
    if job.status in (ImportStatus.UPLOADED, ImportStatus.READY):
        mapping_form = MappingForm(request.POST or None, headers=job.headers, mapping=job.mapping)
        if request.method == "POST" and mapping_form.is_valid():
            try:
                importing.save_mapping(actor=request.user, job=job, mapping=mapping_form.mapping())
            except DomainError as error:
                mapping_form.add_error(None, error.message)
            else:
                return redirect("people:import_detail", pk=job.pk)
    context = {"job": job, "mapping_form": mapping_form, "progress": importing.read_progress(job.pk)}
    if job.status in (ImportStatus.READY, ImportStatus.DONE):
        show = request.GET.get("show", "problems")
        rows = ImportRow.objects.filter(job=job)
        if show == "problems":
            rows = rows.exclude(status=RowStatus.VALID)
        elif show in RowStatus.values:
            rows = rows.filter(status=show)
        after = request.GET.get("after", "")
        if after.isdigit():
            rows = rows.filter(row_number__gt=int(after))
        page = list(rows.order_by("row_number")[: PREVIEW_SIZE + 1])
        more = len(page) > PREVIEW_SIZE
        page = page[:PREVIEW_SIZE]
        preview = []
        for row in page:
            values = json.loads(row.values)["values"]
            preview.append({"row": row, "values": values})
        context.update({"preview": preview, "show": show, "next_after": page[-1].row_number if more else None})
    return render_page(request, "people/import_detail.html", context, fragment="people/_import_rows.html")


@permission_required("people:import")
@require_POST
def import_confirm(request, pk):
    job = get_visible_or_404(ImportJob.objects.all(), request.user, pk=pk)
    try:
        importing.confirm_import(actor=request.user, job=job)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("people:import_detail", pk=job.pk)


@permission_required("people:import")
def import_progress(request, pk):
    job = get_visible_or_404(ImportJob.objects.all(), request.user, pk=pk)
    response = render(
        request, "people/_import_progress.html", {"job": job, "progress": importing.read_progress(job.pk)}
    )
    if job.status not in (ImportStatus.ANALYSING, ImportStatus.IMPORTING) and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@permission_required("people:import")
def import_report(request, pk):
    job = get_visible_or_404(ImportJob.objects.all(), request.user, pk=pk)
    content = importing.rejected_report(job)
    log_action("people.import.report_downloaded", actor=request.user, organization=job.organization, obj=job)
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=f"rejected-rows-{job.pk}.xlsx", content_type=XLSX
    )


@permission_required("people:import")
def import_template(request):
    response = HttpResponse(importing.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="people-template.xlsx"'
    return response


@permission_required("people:import")
def registry_export(request):
    organization = acting_organization(request, "people:import")
    people = Person.objects.visible_to(request.user).current().filter(anonymized_at__isnull=True).order_by("pk")
    content = importing.export_people(people, actor=request.user, organization=organization)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="people.xlsx"'
    return response
