"""The library: upload and type checks, processing of good and hostile files, the document page,
download, favourites, reports and moderation, versions, links, browsing and search. Messages are
asserted in Chinese, the default language."""

import io
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shuniu.core.models import AuditEntry, Notification
from shuniu.core.services import DomainError
from shuniu.library import docgen, processing, services
from shuniu.library.links import attach, links_for
from shuniu.library.models import (
    Audience,
    ContentReport,
    Download,
    Favorite,
    PreviewMode,
    ProcessingStatus,
    ReportStatus,
    Resource,
    ResourcePage,
    ResourceVersion,
)
from shuniu.search.indexing import index_object
from shuniu.search.query import search
from tests.library.factories import make_resource, txt_upload

PARAGRAPHS = [
    "一、充分认识新形势下群团组织工作的重要性。",
    "二、积极构建群团组织资源共享的联动工作平台。",
    "三、建立健全群团组织联席会议制度，轮流主办、定期召开。",
]


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def nothing_created():
    return Resource.objects.count() == 0 and ResourceVersion.objects.count() == 0


# --- upload: type checked by content, size, hostile files ---------------------------------------


def test_upload_creates_resource_with_first_version_and_audit(world, caseworker):
    resource = make_resource(world, process=False, summary="摘要", category="speech", tags="联席会议, 讲话")
    version = resource.current_version
    assert (version.number, version.kind, version.status) == (1, "txt", ProcessingStatus.PENDING)
    assert version.original_name == "讲话.txt"
    assert "讲话" not in version.file.name  # stored under a random name
    assert resource.tag_list == ["联席会议", "讲话"]
    assert AuditEntry.objects.filter(action="library.resource.uploaded", object_id=str(resource.pk)).count() == 1


def test_gbk_text_is_detected_and_paginated(world):
    text = "妇联工作简报\n" + "各群团组织要建立联席会议制度。\n" * 300
    resource = make_resource(world, upload=txt_upload(text, "简报.txt", encoding="gbk"))
    version = resource.current_version
    assert version.status == ProcessingStatus.READY
    assert version.text_encoding == "gb18030"
    assert version.preview_mode == PreviewMode.TEXT
    assert version.page_count == ResourcePage.objects.filter(version=version).count() > 1
    assert ResourcePage.objects.get(version=version, number=1).text.startswith("妇联工作简报")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("讲话.docx", docgen.pdf_bytes("讲话", PARAGRAPHS), "但内容是 PDF"),
        ("讲话.pdf", docgen.docx_bytes("讲话", PARAGRAPHS), "但内容是 Word (.docx)"),
        ("程序.exe", b"MZ\x90\x00", "不能上传此类型的文件"),
        ("空.txt", b"", "文件是空的"),
        ("假.txt", b"\x00\x01\x02binary", "不是文本文件"),
    ],
)
def test_upload_refuses_by_content_and_creates_nothing(world, caseworker, name, data, message):
    with pytest.raises(DomainError) as refused:
        make_resource(world, upload=upload(name, data), process=False)
    assert message in refused.value.message
    assert nothing_created()


def test_upload_over_the_size_limit_is_refused(world, settings):
    settings.SHUNIU_MAX_UPLOAD_BYTES = 100
    with pytest.raises(DomainError) as refused:
        make_resource(world, upload=txt_upload("群团" * 100), process=False)
    assert "最多可上传" in refused.value.message
    assert nothing_created()


def test_decompression_bomb_is_refused_before_extraction(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (30 * 1024 * 1024))
    with pytest.raises(DomainError) as refused:
        make_resource(world, upload=upload("炸弹.docx", buffer.getvalue()), process=False)
    assert "压缩炸弹" in refused.value.message
    assert nothing_created()


def test_outsider_cannot_upload_for_another_organisation(world, outsider):
    with pytest.raises(DomainError):
        make_resource(world, user=outsider, organization=world.org_a, process=False)
    assert nothing_created()


def test_corrupt_pdf_ends_failed_with_explanation(world):
    resource = make_resource(world, upload=upload("坏.pdf", b"%PDF-1.7\n" + b"garbage" * 100))
    version = resource.current_version
    assert version.status == ProcessingStatus.FAILED
    assert version.status_message == "PDF 文件已损坏，无法读取。"
    assert version.pages.count() == 0
    assert AuditEntry.objects.filter(action="library.version.failed").count() == 1


def test_password_protected_pdf_ends_failed_with_explanation(world):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=StandardEncryption("secret", canModify=0))
    pdf.drawString(100, 700, "secret")
    pdf.showPage()
    pdf.save()
    resource = make_resource(world, upload=upload("加密.pdf", buffer.getvalue()))
    assert resource.current_version.status == ProcessingStatus.FAILED
    assert "密码保护" in resource.current_version.status_message


def test_long_pdf_renders_only_capped_previews(world):
    pages = [f"第{number}页 群团工作" for number in range(1, 501)]
    from tests.library.factories import pdf_bytes

    resource = make_resource(world, upload=upload("长文档.pdf", pdf_bytes(pages)))
    version = resource.current_version
    assert version.status == ProcessingStatus.READY
    assert version.page_count == 500
    assert version.pages.count() == 500
    assert version.pages.exclude(image="").count() == processing.MAX_RENDER_PAGES
    assert version.pages.get(number=500).text.strip() == "第500页 群团工作"


def test_hanging_conversion_is_killed_and_falls_back_to_text(world, settings, monkeypatch):
    settings.SHUNIU_LIBRARY_CONVERT_TIMEOUT = 1
    monkeypatch.setattr(processing, "soffice_command", lambda: ["sh", "-c", "sleep 60", "soffice"])
    resource = make_resource(world, upload=upload("讲话.docx", docgen.docx_bytes("讲话", PARAGRAPHS)))
    version = resource.current_version
    assert version.status == ProcessingStatus.READY
    assert version.preview_mode == PreviewMode.TEXT
    assert "文档转换超过 1 秒，已被终止。" in version.status_message
    assert "联席会议制度" in version.pages.get(number=1).text


def test_without_libreoffice_office_files_get_a_text_preview(world, monkeypatch):
    monkeypatch.setattr(processing, "soffice_command", lambda: None)
    deck = docgen.pptx_bytes("培训", [("第一讲", "联席会议制度"), ("第二讲", "志愿服务")])
    resource = make_resource(world, upload=upload("培训.pptx", deck))
    version = resource.current_version
    assert (version.status, version.preview_mode, version.page_count) == ("ready", "text", 3)
    assert version.pages.get(number=3).text == "第二讲\n志愿服务"
    assert "未安装 LibreOffice" in version.status_message


def test_xlsx_text_is_read_sheet_by_sheet(world, monkeypatch):
    monkeypatch.setattr(processing, "soffice_command", lambda: None)
    data = docgen.xlsx_bytes("助学", ["单位", "金额"], [["区妇联", 8000]])
    resource = make_resource(world, upload=upload("统计.xlsx", data))
    assert resource.current_version.pages.get(number=1).text == "助学\n单位\t金额\n区妇联\t8000"


def test_processing_is_idempotent(world):
    resource = make_resource(world)
    version = resource.current_version
    assert services.process_version(version.pk) == "skipped"
    assert version.pages.count() == 1


# --- done when: the speech as .docx and .pdf ---------------------------------------------------


@pytest.mark.parametrize("backend", ["database", "tantivy"])
@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_speech_upload_yields_previews_and_search_finds_it_with_snippet_and_page(
    world, caseworker, colleague, django_capture_on_commit_callbacks, settings, tmp_path, kind, backend
):
    settings.SHUNIU_SEARCH_BACKEND = backend
    settings.SHUNIU_SEARCH_INDEX_DIR = tmp_path / "search-index"
    paragraphs = PARAGRAPHS * 6  # three pages: the phrase is on each; page 1 is the best chunk
    maker = docgen.pdf_bytes if kind == "pdf" else docgen.docx_bytes
    data = maker("在区群团组织工作大会上的讲话", paragraphs[:3] + ["其他内容。"] * 3 + paragraphs, page_break_every=6)
    with django_capture_on_commit_callbacks(execute=True):
        resource = services.upload_resource(
            caseworker,
            organization=world.org_a,
            title="区群团组织工作大会讲话",
            file=upload(f"讲话.{kind}", data),
            audience=Audience.STAFF,
        )
    resource.refresh_from_db()
    version = resource.current_version
    assert version.status == ProcessingStatus.READY, version.status_message
    assert version.preview_mode == PreviewMode.IMAGES
    assert version.page_count >= 2
    with version.pages.get(number=1).image.open("rb") as image:
        assert image.read(8) == b"\x89PNG\r\n\x1a\n"

    hits = search(colleague, "联席会议制度").hits
    assert [hit.object_id for hit in hits] == [resource.pk]
    assert hits[0].page >= 1
    assert "<mark>联席会议制度</mark>" in hits[0].snippet

    client_page = reverse("library:index") + "?q=联席会议制度"
    from django.test import Client

    client = Client()
    world.sign_in(client, colleague)
    html = client.get(client_page).content.decode()
    assert "<mark>联席会议制度</mark>" in html
    assert f"page={hits[0].page}" in html


# --- document page, permissions, download ---------------------------------------------------------


def test_outsider_gets_404_for_organisation_resource_everywhere(world, client_for, outsider):
    resource = make_resource(world)
    client = client_for(outsider)
    for name in ["library:detail", "library:download", "library:status", "library:report"]:
        assert client.get(reverse(name, args=[resource.pk])).status_code == 404
    assert Download.objects.count() == 0
    index_object(resource)
    assert search(outsider, "联席会议").hits == []


def test_staff_resource_is_not_on_the_portal(world, client_for):
    resource = make_resource(world, audience=Audience.STAFF)
    anonymous = client_for(None)
    assert anonymous.get(reverse("library_public:detail", args=[resource.pk])).status_code == 404
    assert anonymous.get(reverse("library_public:download", args=[resource.pk])).status_code == 404


def test_download_streams_file_and_counts(world, client_for, outsider):
    resource = make_resource(world, audience=Audience.STAFF)
    response = client_for(outsider).get(reverse("library:download", args=[resource.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == txt_upload().read().decode()
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    resource.refresh_from_db()
    assert resource.download_count == 1
    assert Download.objects.get().user == outsider


def test_public_download_by_anonymous_is_counted(world, client_for):
    resource = make_resource(world, audience=Audience.PUBLIC)
    response = client_for(None).get(reverse("library_public:download", args=[resource.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    resource.refresh_from_db()
    assert resource.download_count == 1
    assert Download.objects.get().user is None


def test_free_preview_limit_applies_outside_the_owner_organisation(world, client_for, caseworker, outsider):
    text = "\n".join(f"第{number}段：群团组织联动。" * 60 for number in range(1, 30))
    resource = make_resource(world, audience=Audience.STAFF, upload=txt_upload(text), free_preview_pages=2)
    assert resource.current_version.page_count > 3
    outsider_html = client_for(outsider).get(reverse("library:detail", args=[resource.pk])).content.decode()
    owner_html = client_for(caseworker).get(reverse("library:detail", args=[resource.pk])).content.decode()
    assert 'id="page-2"' in outsider_html and 'id="page-3"' not in outsider_html
    assert 'id="page-3"' in owner_html


def test_page_image_beyond_free_preview_is_404_for_others(world, client_for, outsider, caseworker):
    from tests.library.factories import pdf_bytes

    data = pdf_bytes(["第一页", "第二页", "第三页"])
    resource = make_resource(world, audience=Audience.STAFF, upload=upload("a.pdf", data), free_preview_pages=1)
    url = reverse("library:page_image", args=[resource.pk, 2])
    assert client_for(outsider).get(url).status_code == 404
    response = client_for(caseworker).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


# --- favourites, reports, moderation -------------------------------------------------------------


def test_favourite_is_idempotent_and_listed(world, client_for, colleague):
    resource = make_resource(world)
    client = client_for(colleague)
    url = reverse("library:favorite", args=[resource.pk])
    client.post(url, {"favorite": "1"})
    client.post(url, {"favorite": "1"})
    resource.refresh_from_db()
    assert (resource.favorite_count, Favorite.objects.count()) == (1, 1)
    listing = client.get(reverse("library:index") + "?show=favorites").content.decode()
    assert resource.title in listing
    client.post(url, {"favorite": "0"}, HTTP_HX_REQUEST="true")
    resource.refresh_from_db()
    assert (resource.favorite_count, Favorite.objects.count()) == (0, 0)


def test_report_notifies_owner_moderators_and_uphold_hides(world, outsider, supervisor, client_for):
    resource = make_resource(world, audience=Audience.STAFF)
    report = services.report_resource(outsider, resource, "personal_data", "含身份证号")
    assert ContentReport.objects.get().status == ReportStatus.OPEN
    with pytest.raises(DomainError):
        services.report_resource(outsider, resource, "other")
    assert ContentReport.objects.count() == 1

    queue = client_for(supervisor).get(reverse("library:moderation")).content.decode()
    assert resource.title in queue
    client_for(supervisor).post(reverse("library:decide", args=[report.pk]), {"decision": "uphold", "note": "已处理"})
    report.refresh_from_db()
    resource.refresh_from_db()
    assert (report.status, report.handled_by, resource.is_hidden) == (ReportStatus.UPHELD, supervisor, True)
    assert client_for(outsider).get(reverse("library:detail", args=[resource.pk])).status_code == 404
    assert client_for(supervisor).get(reverse("library:detail", args=[resource.pk])).status_code == 200

    with pytest.raises(DomainError):
        services.decide_report(supervisor, report, uphold=False)
    report.refresh_from_db()
    assert report.status == ReportStatus.UPHELD


def test_report_notification_goes_to_owner_supervisor(world, outsider, supervisor, django_capture_on_commit_callbacks):
    resource = make_resource(world, audience=Audience.STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_resource(outsider, resource, "wrong")
    recipients = sorted(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == ["org_admin", supervisor.username]


def test_other_organisation_cannot_decide_a_report(world, outsider, coordinator):
    resource = make_resource(world, audience=Audience.STAFF)
    report = services.report_resource(coordinator, resource, "wrong")
    from tests.world import make_user

    union_supervisor = make_user("union_supervisor", world.org_b, "supervisor")
    with pytest.raises(DomainError):
        services.decide_report(union_supervisor, report, uphold=True)
    report.refresh_from_db()
    resource.refresh_from_db()
    assert (report.status, resource.is_hidden) == (ReportStatus.OPEN, False)


# --- versions -----------------------------------------------------------------------------------


def test_new_version_becomes_current_when_processed(world, caseworker):
    resource = make_resource(world)
    version = services.add_version(caseworker, resource, txt_upload("第二版：春蕾计划", "v2.txt"), note="更新")
    resource.refresh_from_db()
    assert resource.current_version.number == 1
    services.process_version(version.pk)
    resource.refresh_from_db()
    assert (resource.current_version.number, resource.current_version.note) == (2, "更新")


def test_failed_new_version_keeps_previous_current(world, caseworker):
    resource = make_resource(world)
    version = services.add_version(caseworker, resource, upload("坏.pdf", b"%PDF-1.4 broken"))
    services.process_version(version.pk)
    resource.refresh_from_db()
    assert resource.current_version.number == 1
    version.refresh_from_db()
    assert version.status == ProcessingStatus.FAILED


def test_outsider_cannot_add_version(world, outsider):
    resource = make_resource(world, audience=Audience.STAFF)
    with pytest.raises(DomainError):
        services.add_version(outsider, resource, txt_upload())
    assert resource.versions.count() == 1


# --- links --------------------------------------------------------------------------------------


def test_links_attach_list_and_refuse_duplicates(world, caseworker, outsider, client_for):
    target = make_resource(world, title="培训课程")
    attached = make_resource(world, title="课程讲义", audience=Audience.STAFF)
    attach(caseworker, target, attached)
    with pytest.raises(DomainError):
        attach(caseworker, target, attached)
    assert [link.resource for link in links_for(caseworker, target)] == [attached]
    type_id = ContentType.objects.get_for_model(Resource).pk
    response = client_for(outsider).post(
        reverse("library:link_add", args=[f"{type_id}-{target.pk}"]), {"resource": attached.pk}
    )
    assert response.status_code == 404


# --- browse -------------------------------------------------------------------------------------


def test_browse_filters_and_sorts(world, client_for, caseworker):
    first = make_resource(world, title="政策文件甲", category="policy", audience=Audience.STAFF)
    second = make_resource(world, title="培训讲义乙", category="training", audience=Audience.STAFF)
    Resource.objects.filter(pk=first.pk).update(download_count=5)
    client = client_for(caseworker)
    policy = client.get(reverse("library:index") + "?category=policy").content.decode()
    assert "政策文件甲" in policy and "培训讲义乙" not in policy
    by_downloads = client.get(reverse("library:index") + "?sort=downloads").content.decode()
    assert by_downloads.index("政策文件甲") < by_downloads.index("培训讲义乙")
    newest = client.get(reverse("library:index") + "?sort=newest").content.decode()
    assert newest.index("培训讲义乙") < newest.index("政策文件甲")
    mine = client.get(reverse("library:index") + "?show=mine").content.decode()
    assert second.title in mine


def test_public_library_lists_public_resources_only(world, client_for):
    make_resource(world, title="公开的反家暴问答", audience=Audience.PUBLIC)
    make_resource(world, title="内部案例汇编", audience=Audience.STAFF)
    html = client_for(None).get(reverse("library_public:index")).content.decode()
    assert "公开的反家暴问答" in html and "内部案例汇编" not in html


def test_upload_view_keeps_metadata_on_bad_file(world, client_for, caseworker):
    response = client_for(caseworker).post(
        reverse("library:upload"),
        {
            "organization": world.org_a.pk,
            "title": "我的标题",
            "category": "policy",
            "audience": "staff",
            "free_preview_pages": 3,
            "file": upload("x.docx", b"%PDF-1.4 ..."),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="我的标题"' in html
    assert "但内容是 PDF" in html
    assert nothing_created()


def test_home_shows_failed_uploads_and_open_reports(world, client_for, caseworker, supervisor, outsider):
    resource = make_resource(world, upload=upload("坏.pdf", b"%PDF-1.4 broken"), title="损坏的文件")
    services.report_resource(outsider, make_resource(world, audience=Audience.STAFF, title="被举报的资料"), "wrong")
    caseworker_home = client_for(caseworker).get(reverse("core:home")).content.decode()
    assert resource.title in caseworker_home
    supervisor_home = client_for(supervisor).get(reverse("core:home")).content.decode()
    assert "被举报的资料" in supervisor_home


def test_full_disk_during_upload_refuses_cleanly_and_saves_nothing(world, caseworker, monkeypatch):
    import errno

    from django.core.files.storage import FileSystemStorage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shuniu.core.services import DomainError
    from shuniu.library import services
    from shuniu.library.models import Resource, ResourceVersion

    def disk_full(self, name, content, max_length=None):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    upload = SimpleUploadedFile("通知.txt", "关于开展联席会议的通知".encode())
    try:
        services.upload_resource(caseworker, organization=world.org_a, title="通知", file=upload, audience="staff")
        raise AssertionError("the upload should have been refused")
    except DomainError as error:
        assert "could not be stored" in error.message or "无法保存" in error.message or "存储" in error.message
    assert Resource.objects.count() == 0
    assert ResourceVersion.objects.count() == 0
