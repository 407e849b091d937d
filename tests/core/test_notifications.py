from shuniu.core.models import Notification
from shuniu.core.services import mark_read, notify


def test_notify_is_idempotent_with_a_dedupe_key(world):
    assert notify([world.caseworker], "案件即将超期", dedupe_key="case:1:soon") == 1
    assert notify([world.caseworker], "案件即将超期", dedupe_key="case:1:soon") == 0
    assert Notification.objects.filter(recipient=world.caseworker).count() == 1


def test_inbox_lists_unread_and_marks_read(world, client_for):
    notify([world.caseworker], "新转介：欠薪案件", url="/home/")
    client = client_for(world.caseworker)
    page = client.get("/inbox/").content.decode()
    assert "新转介：欠薪案件" in page
    assert mark_read(world.caseworker) == 1
    assert "新转介：欠薪案件" not in client.get("/inbox/?show=unread").content.decode()
    assert "新转介：欠薪案件" in client.get("/inbox/?show=all").content.decode()
