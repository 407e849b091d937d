import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from shuniu.core.audit import log_action, verify_chain
from shuniu.core.models import AuditEntry
from shuniu.core.models.audit import AppendOnlyError


def test_entries_form_a_chain_that_verifies(world):
    first = log_action("test.thing.created", actor=world.caseworker, organization=world.org_a, data={"n": 1})
    second = log_action("test.thing.changed", actor=world.colleague, obj=world.org_a, data={"n": 2})
    assert second.prev_hash == first.hash
    checked, problems = verify_chain()
    assert checked == AuditEntry.objects.count()
    assert problems == []
    call_command("audit", "verify")


def test_verify_detects_a_row_changed_by_hand(world):
    log_action("test.a", actor=world.caseworker)
    entry = log_action("test.b", actor=world.caseworker, data={"amount": "100.00"})
    log_action("test.c", actor=world.caseworker)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET data = %s WHERE id = %s", ['{"amount": "999.00"}', entry.pk])
    _checked, problems = verify_chain()
    assert [problem.entry_id for problem in problems] == [entry.pk]
    with pytest.raises(CommandError, match="FAILED"):
        call_command("audit", "verify")


def test_verify_detects_a_removed_row(world):
    log_action("test.a")
    middle = log_action("test.b")
    after = log_action("test.c")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [middle.pk])
    _checked, problems = verify_chain()
    assert after.pk in [problem.entry_id for problem in problems]
    assert any(problem.entry_id is None for problem in problems)  # head counts one more than exist


def test_entries_cannot_be_changed_or_deleted_through_the_orm(world):
    entry = log_action("test.a")
    entry.action = "test.forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
