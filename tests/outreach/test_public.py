"""Citizen pages: sign-up with rate limits, the volunteer's page by code, the certificate."""

from datetime import timedelta

from django.urls import reverse

from shuniu.outreach import ratelimit
from shuniu.outreach.models import ActivitySignup, Volunteer
from tests.outreach import factories as f


def test_public_signup_shows_the_code_and_takes_a_place(world, client):
    activity = f.make_activity(world, capacity=5)

    response = client.post(
        reverse("outreach_public:activity_signup", args=[activity.pk]), {"name": "张三", "phone": "13700001111"}
    )

    signup = ActivitySignup.objects.get()
    assert response.status_code == 200
    assert f"data-signup-code>{signup.code}<" in response.content.decode()
    activity.refresh_from_db()
    assert activity.signups_count == 1


def test_bad_phone_keeps_the_form_and_takes_nothing(world, client):
    activity = f.make_activity(world)

    response = client.post(
        reverse("outreach_public:activity_signup", args=[activity.pk]), {"name": "张三", "phone": "12345"}
    )

    page = response.content.decode()
    assert 'value="张三"' in page
    assert 'id="id_phone-error"' in page
    assert 'aria-invalid="true"' in page
    assert ActivitySignup.objects.count() == 0


def test_spam_signups_are_limited_per_address_per_hour(world, client):
    activity = f.make_activity(world, capacity=100)
    url = reverse("outreach_public:activity_signup", args=[activity.pk])
    for number in range(ratelimit.LIMITS["signup"]):
        client.post(url, {"name": "甲", "phone": f"137000{number:05d}"})

    response = client.post(url, {"name": "乙", "phone": "13799999999"})

    assert "尝试次数过多" in response.content.decode()
    assert ActivitySignup.objects.count() == ratelimit.LIMITS["signup"]


def test_volunteer_registers_then_opens_the_page_with_code_and_last_digits(world, client):
    data = {"name": "赵志愿", "phone": "13987654321", "skills": ["sign_language"], "consent": "on"}
    response = client.post(reverse("outreach_public:volunteer_register"), data)
    volunteer = Volunteer.objects.get()
    assert response.status_code == 302

    other = type(client)()
    page = other.get(reverse("outreach_public:volunteer_home")).content.decode()
    assert volunteer.code not in page
    other.post(reverse("outreach_public:volunteer_home"), {"code": volunteer.code, "phone_last4": "0000"})
    assert other.get(reverse("outreach_public:volunteer_certificate")).status_code == 404
    other.post(reverse("outreach_public:volunteer_home"), {"code": volunteer.code, "phone_last4": "4321"})
    certificate = other.get(reverse("outreach_public:volunteer_certificate"))
    assert certificate.status_code == 200
    assert certificate["Content-Type"] == "application/pdf"


def test_registration_without_consent_stores_nothing(db, client):
    response = client.post(reverse("outreach_public:volunteer_register"), {"name": "赵", "phone": "13987654321"})

    assert response.status_code == 200
    assert Volunteer.objects.count() == 0


def test_volunteer_cannot_check_in_on_someone_elses_shift(world, client):
    activity = f.make_activity(world, start_in=-timedelta(minutes=5))
    shift = f.make_shift(activity)
    owner = f.make_volunteer(phone="13900000001")
    intruder = f.make_volunteer(phone="13900000002")
    from shuniu.outreach.services.volunteers import sign_up_for_shift

    assignment = sign_up_for_shift(owner, shift)
    client.post(reverse("outreach_public:volunteer_home"), {"code": intruder.code, "phone_last4": "0002"})

    response = client.post(reverse("outreach_public:volunteer_check_in", args=[assignment.pk]))

    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == "signed_up"


def test_photo_upload_checks_content_not_name(world, caseworker, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    activity = f.make_activity(world)
    staff = client_for(caseworker)
    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    staff.post(reverse("outreach:photo_upload", args=[activity.pk]), {"image": fake, "caption": "现场"})
    assert activity.photos.count() == 0

    real = SimpleUploadedFile("photo.png", f.png_bytes(), content_type="image/png")
    staff.post(reverse("outreach:photo_upload", args=[activity.pk]), {"image": real, "caption": "现场"})
    photo = activity.photos.get()
    assert photo.content_type == "image/png"
    assert client_for(None).get(reverse("outreach_public:activity_photo", args=[photo.pk])).status_code == 200
