"""Done when: on a phone, a citizen finds a course, enrols, is waitlisted, is promoted after a
cancellation, checks in by the QR link, completes and downloads a certificate that verifies."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from shuniu.training import services
from shuniu.training.models import Enrollment, EnrollmentStatus
from tests.training.helpers import make_course, make_instructor, make_person, make_venue


@pytest.mark.django_db(transaction=True)
def test_citizen_enrols_waits_is_promoted_checks_in_and_verifies_the_certificate(phone_page, world, axe):
    page = phone_page
    now = timezone.now()
    start = (now + timedelta(minutes=20)).replace(microsecond=0)
    course = make_course(world, title="巾帼家政技能培训", hours=2)
    session = services.create_session(
        course=course,
        actor=world.caseworker,
        plans=[services.LessonPlan(start, start + timedelta(minutes=90))],
        venue=make_venue(world, name="东湖街道妇女之家"),
        instructor=make_instructor(world),
        capacity=1,
        enrollment_closes_at=now + timedelta(minutes=10),
    )
    first_come = services.enroll(session, make_person(world, name="先到者"))

    # Finds the course on the menu.
    page.goto(reverse("training_public:menu"))
    assert axe(page) == []
    page.get_by_role("link", name="巾帼家政技能培训").click()
    page.wait_for_url(re.compile(rf"/courses/{course.pk}/$"))
    assert axe(page) == []

    # Enrols: the session is full, so the phone is confirmed and the citizen joins the waitlist.
    page.click(f"form[action='{reverse('training_public:enroll', args=[session.pk])}'] button")
    page.wait_for_url(re.compile(r"/verify/"))
    page.fill("input[name=name]", "王芳")
    page.fill("input[name=phone]", "13900002222")
    page.click("#main form button[type=submit]")
    page.wait_for_url(re.compile(r"/verify/code/"))
    code = re.search(r"\d{6}", page.locator(".alert-info").inner_text()).group(0)
    page.fill("input[name=code]", code)
    page.click("#main form button[type=submit]")
    # Anchored: the code page's own address carries ?next=/…/courses/<pk>/ and would match at once.
    page.wait_for_url(re.compile(rf"/courses/{course.pk}/$"))
    page.click(f"form[action='{reverse('training_public:enroll', args=[session.pk])}'] button")
    page.wait_for_url(re.compile(r"/me/"))
    assert "候补第 1 位" in page.locator("main").inner_text()
    assert axe(page) == []
    assert Enrollment.objects.get(person__name="王芳").status == EnrollmentStatus.WAITLISTED

    # Someone cancels: the citizen is promoted and told.
    services.cancel_enrollment(first_come)
    page.reload()
    text = page.locator("main").inner_text()
    assert "名额已确认" in text
    assert "巾帼家政技能培训" in page.locator("#messages-title + ul").inner_text()

    # Checks in by the QR link (the code in the classroom encodes this address).
    page.goto(reverse("training_public:check_in", args=[services.check_in_token(session.lessons.get())]))
    page.click("#main form button[type=submit]")
    page.wait_for_url(re.compile(r"/me/"))
    assert "已结业" in page.locator("main").inner_text()

    # Downloads the certificate, then verifies its code on the public page.
    with page.expect_download() as download_info:
        page.click("a[href$='.pdf']")
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    certificate_code = page.locator("[data-certificate-code]").inner_text().strip()
    page.goto(reverse("training_public:certificate_verify"))
    page.fill("input[name=code]", certificate_code)
    page.click("#main form button[type=submit]")
    expect(page.locator("[data-verification=valid]")).to_be_visible()
    assert axe(page) == []
    assert "王*" in page.locator("[data-verification=valid]").inner_text()
