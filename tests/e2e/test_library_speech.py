"""Done when (issue 7): the speech uploaded as .docx and as .pdf in the browser yields page
previews, and searching 联席会议制度 finds it with a highlighted snippet and the page number."""

import re

import pytest
from playwright.sync_api import expect

from shuniu.library import docgen
from shuniu.library.models import ProcessingStatus, Resource
from shuniu.library.seed import _paragraphs, _speech_text

FALLBACK = ["一、充分认识群团组织工作的重要性。"] * 20 + ["二、建立健全群团组织联席会议制度，轮流主办、定期召开。"]


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.VAR_DIR = tmp_path
    return tmp_path


def _upload(page, tmp_path, title, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    page.goto("/library/upload/")
    page.get_by_label("标题").fill(title)
    page.get_by_label("类别").select_option("speech")
    page.get_by_label("可见范围").select_option("staff")
    page.set_input_files("input[type=file]", str(path))
    # click() does not wait for the navigation it starts, and wait_for_load_state() is satisfied at
    # once by the form page that is still shown: the next goto() then raced the upload request,
    # still converting with LibreOffice (seen once under load: the next page was the sign-in page).
    # Wait for the upload's own response page.
    with page.expect_navigation(url=re.compile(r"/library/\d+/$")):
        page.get_by_role("button", name="上传", exact=True).click()


@pytest.mark.django_db(transaction=True)
def test_speech_docx_and_pdf_get_previews_and_are_found_with_page(page, world, sign_in, axe, media, tmp_path):
    text = _speech_text()
    paragraphs = _paragraphs(text) if text else FALLBACK
    title = "在区群团组织工作大会上的讲话"
    # Tests run tasks inline: the upload request waits for LibreOffice's conversion.
    page.set_default_timeout(120000)
    page.set_default_navigation_timeout(120000)
    sign_in(page, world.caseworker)

    _upload(page, tmp_path, f"{title}（Word）", "讲话.docx", docgen.docx_bytes(title, paragraphs, page_break_every=3))
    assert "文件已上传" in page.content()
    _upload(page, tmp_path, f"{title}（PDF）", "讲话.pdf", docgen.pdf_bytes(title, paragraphs, page_break_every=3))

    for resource in Resource.objects.all():
        assert resource.current_version.status == ProcessingStatus.READY, resource.current_version.status_message
        page.goto(f"/library/{resource.pk}/")
        assert page.locator("figure.library-page img").count() >= 2
        assert page.locator("figure.library-page img").first.evaluate("img => img.naturalWidth") > 0
    violations = axe(page)
    assert violations == [], violations

    page.goto("/library/")
    page.get_by_label("全文搜索").fill("联席会议制度")
    with page.expect_navigation(url=re.compile(r"/library/\?")):
        page.get_by_label("全文搜索").press("Enter")
    results = page.locator(".list-group-item")
    expect(results).to_have_count(2)
    assert results.first.locator("mark").first.inner_text() == "联席会议制度"
    badge = results.first.locator(".badge").inner_text()
    assert badge.startswith("第 ") and badge.endswith(" 页")
    violations = axe(page)
    assert violations == [], violations

    number = badge.split()[1]
    with page.expect_navigation(url=re.compile(rf"#page-{number}$")):
        results.first.locator("a").first.click()
    expect(page.locator(f"#page-{number}.is-target")).to_have_count(1)


@pytest.mark.django_db(transaction=True)
def test_public_library_on_a_phone(phone_page, world, axe, media):
    from tests.library.factories import make_resource

    make_resource(world, title="反家庭暴力法律知识问答", audience="public")
    phone_page.goto("/portal/library/")
    expect(phone_page.get_by_role("link", name="反家庭暴力法律知识问答")).to_be_visible()
    assert axe(phone_page) == []
    with phone_page.expect_navigation():
        phone_page.get_by_role("link", name="反家庭暴力法律知识问答").click()
    expect(phone_page.get_by_role("link", name="下载")).to_be_visible()
    assert axe(phone_page) == []
