"""The demo data: programmes of the six organisations, applications in every state, a paid batch,
and the child funded by both Spring Bud and the Hope Project that the duplicate-aid report finds."""

import io

import pytest
from django.utils import timezone

from shuniu.core.models import User
from shuniu.core.seeding import SeedContext, seed_core
from shuniu.relief import reports
from shuniu.relief.models import Application, BatchStatus, DisbursementBatch, Programme


@pytest.mark.django_db
def test_demo_data_has_every_state_and_the_duplicate_aid_example():
    from shuniu.people import seed as people_seed
    from shuniu.relief import seed as relief_seed

    context = SeedContext(stdout=io.StringIO(), scale=0.2)
    seed_core(context)
    people_seed.seed(context)
    relief_seed.seed(context)

    assert set(Programme.objects.values_list("code", flat=True)) == {
        "hope-project",
        "spring-bud",
        "golden-autumn",
        "special-education",
        "union-hardship",
        "red-cross-relief",
    }
    assert set(Application.objects.values_list("status", flat=True)) >= {
        "in_review",
        "returned",
        "rejected",
        "approved",
        "in_notice",
        "paused",
        "paid",
    }
    assert DisbursementBatch.objects.filter(status=BatchStatus.PAID).count() == 2
    rows = reports.duplicate_aid(User.objects.get(username="coordinator"), timezone.localdate().year)
    overlapping = [row for row in rows if any("希望工程、春蕾计划" in reason for reason in row.reasons)]
    assert len(overlapping) == 1
    assert sorted(name for name, _org, _amount in overlapping[0].programmes) == ["希望工程", "春蕾计划"]
