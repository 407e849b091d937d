import json
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from shuniu.core.models import AuditEntry
from shuniu.people.models import (
    Consent,
    ImportJob,
    MatchCandidate,
    MatchStatus,
    MergeRecord,
    Person,
    PersonTag,
    Serving,
    Tag,
)
from tests.people.helpers import id_number, make_person


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


def test_match_check_shows_details_only_to_serving_organisations(world, caseworker, outsider, client_for):
    person = make_person(world.org_a, "王芳", phone="13812345678")
    url = reverse("people:match_check")
    query = {"name": "汪芳", "id_number": person.id_number}

    own = client_for(caseworker).get(url, query, HTTP_HX_REQUEST="true").content.decode()
    other = client_for(outsider).get(url, query, HTTP_HX_REQUEST="true").content.decode()

    assert "王芳" in own and reverse("people:detail", args=[person.pk]) in own
    assert "王芳" not in other
    assert reverse("people:detail", args=[person.pk]) not in other
    assert person.id_number[-4:] not in other
    assert "已由其他组织登记" in other


def test_register_with_a_wrong_check_character_keeps_the_input_and_saves_nothing(world, caseworker, client_for):
    valid = id_number(date(1990, 2, 3), "135")
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    response = client_for(caseworker).post(
        reverse("people:register"), {"name": "李强", "id_number": wrong, "phone": "13812345678", "gender": "male"}
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert 'value="13812345678"' in response.content.decode()
    assert Person.objects.count() == 0


def test_register_derives_birth_date_and_gender_from_the_id_number(world, caseworker, client_for):
    number = id_number(date(1990, 2, 3), "135")
    response = client_for(caseworker).post(
        reverse("people:register"), {"name": "李强", "id_number": number, "gender": "unknown"}
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert (person.birth_date, person.gender, person.created_by_org) == (date(1990, 2, 3), "male", world.org_a)
    assert list(Serving.objects.values_list("organization_id", flat=True)) == [world.org_a.pk]


def test_outsider_does_not_see_or_find_people_of_other_organisations(world, outsider, client_for):
    person = make_person(world.org_a, "王芳")
    client = client_for(outsider)
    assert "王芳" not in client.get(reverse("people:list")).content.decode()
    assert "王芳" not in client.get(reverse("people:list"), {"q": person.id_number}).content.decode()
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404


def test_review_merge_and_undo_through_the_pages(world, caseworker, client_for):
    left = make_person(world.org_a, "王芳", phone="13812345678")
    right = make_person(world.org_a_branch, "汪芳", sequence="", phone="13812345687")
    PersonTag.objects.create(person=right, tag=Tag.LOW_INCOME)
    candidate = MatchCandidate.objects.create(person_low=left, person_high=right, score=0.9, level="likely")
    client = client_for(caseworker)
    page = client.get(reverse("people:review_compare", args=[candidate.pk])).content.decode()
    assert 'name="field_phone"' in page and 'name="field_gender"' not in page

    response = client.post(
        reverse("people:review_merge", args=[candidate.pk]), {"keep": "low", "field_phone": "high", "field_name": "low"}
    )
    assert response.status_code == 302
    left.refresh_from_db()
    right.refresh_from_db()
    assert (left.name, left.phone, right.merged_into_id) == ("王芳", "13812345687", left.pk)
    assert PersonTag.objects.get().person_id == left.pk
    candidate.refresh_from_db()
    assert candidate.status == MatchStatus.MERGED

    record = MergeRecord.objects.get()
    client.post(reverse("people:merge_undo", args=[record.pk]))
    left.refresh_from_db()
    right.refresh_from_db()
    assert (left.phone, right.merged_into_id) == ("13812345678", None)
    assert PersonTag.objects.get().person_id == right.pk
    assert (
        client.get(reverse("people:review_queue"))
        .content.decode()
        .count(reverse("people:review_compare", args=[candidate.pk]))
        == 1
    )


def test_distinct_pair_leaves_the_queue(world, caseworker, client_for):
    left = make_person(world.org_a, "王芳")
    right = make_person(world.org_a, "王芳", sequence="246")
    candidate = MatchCandidate.objects.create(person_low=left, person_high=right, score=0.7, level="possible")
    client = client_for(caseworker)
    client.post(reverse("people:review_distinct", args=[candidate.pk]))
    candidate.refresh_from_db()
    assert candidate.status == MatchStatus.DISTINCT
    assert (
        reverse("people:review_compare", args=[candidate.pk])
        not in client.get(reverse("people:review_queue")).content.decode()
    )


def test_consent_for_a_child_without_guardian_is_refused(world, caseworker, client_for):
    today = timezone.localdate()
    child = make_person(world.org_a, "小明", birth=date(today.year - 8, 1, 1), sequence="135")
    response = client_for(caseworker).post(
        reverse("people:consent_add", args=[child.pk]),
        {"purpose": "service", "channel": "paper", "given_on": today.isoformat()},
        follow=True,
    )
    assert "监护人" in response.content.decode()
    assert Consent.objects.count() == 0


def test_data_export_downloads_everything_and_is_audited(world, coordinator, client_for):
    person = make_person(world.org_a, "王芳", phone="13812345678")
    response = client_for(coordinator).post(reverse("people:data_export", args=[person.pk]))
    document = json.loads(response.content)
    assert response["Content-Disposition"] == f'attachment; filename="person-{person.pk}.json"'
    assert document["person"]["phone"] == "13812345678"
    assert AuditEntry.objects.filter(action="people.person.data_exported").count() == 1


def test_anonymise_by_supervisor(world, supervisor, client_for):
    person = make_person(world.org_a, "王芳", phone="13812345678")
    client_for(supervisor).post(reverse("people:anonymise", args=[person.pk]))
    person.refresh_from_db()
    assert (person.phone, person.anonymized_at is not None) == ("", True)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("list.pdf", b"%PDF-1.4", "Excel"), ("empty.xlsx", b"", "空"), ("fake.xlsx", b"not a workbook", ".xlsx")],
)
def test_bad_uploads_are_refused_with_a_message(world, caseworker, client_for, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(caseworker).post(reverse("people:imports"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ImportJob.objects.count() == 0
