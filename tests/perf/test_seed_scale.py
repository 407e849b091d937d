"""`shuniu seed-scale` makes consistent records of every kind the benchmarks load: people in
households, cases, relief applications whose payments balance the ledger and the budgets, course
sessions whose confirmed counts match their enrolments, documents with real files and pages — and
puts the generated cases and documents into the search index."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Count, Q, Sum

from shuniu.core.models import User
from shuniu.library.models import Resource
from shuniu.people.models import Household, HouseholdRelation, Person
from shuniu.relief.models import Application, BatchLine, Budget, DisbursementBatch, LedgerEntry
from shuniu.rights.models import RightsCase
from shuniu.search.models import SearchEntry
from shuniu.search.query import search
from shuniu.training.models import Enrollment, EnrollmentStatus, Session


@pytest.fixture
def generated(db):
    output = StringIO()
    call_command("seed_demo", stdout=StringIO())
    last_person = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    call_command("seed_scale", people=600, cases=600, seed=3, stdout=output)
    return {"output": output.getvalue(), "last_demo_person": last_person}


def test_seed_scale_makes_consistent_records_of_every_kind(generated):
    assert "seed-scale done" in generated["output"]
    generated_cases = RightsCase.objects.filter(tracking_code__startswith="S")
    assert generated_cases.count() == 600

    # households: one head each, members in the head's community
    households = Household.objects.filter(members__pk__gt=generated["last_demo_person"]).distinct()
    assert households.count() > 20
    for household in households[:50]:
        members = list(household.members.all())
        assert 2 <= len(members) <= 4
        assert [m.relation_to_head for m in members].count(HouseholdRelation.HEAD) == 1
        assert {m.community_id for m in members} == {household.community_id}

    # relief: every paid application paid once, batches and budgets balance
    paid = Application.objects.filter(status="paid", code__startswith="JZ")
    assert paid.count() > 100
    ledger = LedgerEntry.objects.filter(application__in=paid, kind="disbursement")
    assert ledger.count() == paid.count() == BatchLine.objects.filter(application__in=paid).count()
    assert ledger.aggregate(total=Sum("amount"))["total"] == paid.aggregate(total=Sum("amount"))["total"]
    for batch in DisbursementBatch.objects.filter(idempotency_key__startswith="scale-"):
        assert batch.total == batch.lines.aggregate(total=Sum("amount"))["total"]
    for budget in Budget.objects.all():
        spent = LedgerEntry.objects.filter(budget=budget).aggregate(total=Sum("amount"))["total"] or Decimal(0)
        assert budget.amount >= spent
    assert not Application.objects.filter(status="in_notice", notice__isnull=True).exists()

    # training: confirmed counts are the confirmed enrolments, within the places
    sessions = Session.objects.annotate(
        confirmed=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.CONFIRMED))
    )
    assert Enrollment.objects.count() >= 300
    for session in sessions:
        assert session.confirmed_count == session.confirmed <= session.capacity

    # documents: the file holds the pages' text
    documents = Resource.objects.filter(versions__file__contains="/scale-")
    assert documents.count() >= 6
    for resource in documents.select_related("current_version")[:6]:
        version = resource.current_version
        content = (Path(settings.MEDIA_ROOT) / version.file.name).read_text("utf-8")
        assert content.split("\f") == [page.text for page in version.pages.order_by("number")]

    # search: the generated cases and documents are in the index and found
    case_type = ContentType.objects.get_for_model(RightsCase)
    indexed = set(SearchEntry.objects.filter(content_type=case_type).values_list("object_id", flat=True))
    assert len(indexed & set(generated_cases.values_list("pk", flat=True))) > 400
    coordinator = User.objects.get(username="coordinator")
    assert any(hit.object_id in indexed for hit in search(coordinator, "拖欠工资").hits)
