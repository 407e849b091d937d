"""Budgets are never overspent and a batch is never paid twice, even when payments race.

On PostgreSQL the budget row lock (select_for_update) is what serialises the batches; SQLite
serialises every writer anyway, so the race cannot happen there and the test is skipped."""

from decimal import Decimal

import pytest
from django.db import connection

from shuniu.core.services import DomainError
from shuniu.relief import services
from shuniu.relief.models import Budget, DisbursementBatch, LedgerEntry
from tests.concurrency import race
from tests.relief.helpers import make_application, make_person, make_programme, publish

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

ID_NUMBERS = ["110105200501015139", "330106201008243519", "11010519491231002X", "33010220120315732X"]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so payments cannot race there")


def test_concurrent_batches_never_overspend_the_budget(world, caseworker, colleague):
    programme = make_programme(world)
    Budget.objects.filter(programme=programme).update(amount=Decimal("2000.00"))
    batches = []
    for index, id_number in enumerate(ID_NUMBERS):
        person = make_person(world, name=f"申请人{index}", id_number=id_number, phone=f"1381234567{index}")
        application = make_application(world, programme=programme, person=person)
        publish(application, ended=True)
        batches.append(services.create_batch(programme, [application], actor=caseworker, idempotency_key=str(index)))

    results = race([lambda batch=batch: services.pay_batch(batch, actor=colleague) for batch in batches])

    paid = [r for r in results if isinstance(r, DisbursementBatch)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(paid), len(refused)) == (2, 2)
    assert all(error.code == "budget" for error in refused)
    assert Budget.objects.get(programme=programme).used() == Decimal("2000.00")
    assert LedgerEntry.objects.count() == 2


def test_the_same_batch_paid_twice_at_once_pays_once(world, caseworker, colleague):
    application = make_application(world)
    publish(application, ended=True)
    batch = services.create_batch(application.programme, [application], actor=caseworker, idempotency_key="x")

    results = race([lambda: services.pay_batch(batch, actor=colleague) for _ in range(3)])

    assert all(isinstance(r, DisbursementBatch) and r.status == "paid" for r in results)
    assert list(LedgerEntry.objects.values_list("amount", flat=True)) == [Decimal("1000.00")]
