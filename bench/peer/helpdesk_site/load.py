"""Inside the helpdesk environment: load N tickets with follow-ups, make a staff session, and print
the URLs to measure as JSON."""

import json
import os
import random
import sys
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.utils import timezone  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402
from helpdesk.query import query_to_base64  # noqa: E402

TITLES = [
    "工地拖欠工资三个月",
    "未签订劳动合同",
    "工伤赔偿纠纷",
    "单位未缴社保",
    "遭受家庭暴力求助",
    "离婚财产分割咨询",
]


def load(count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    queue, _ = Queue.objects.get_or_create(slug="rights", defaults={"title": "维权", "email_address": "q@x.example"})
    staff = [User.objects.get_or_create(username=f"staff{i}", defaults={"is_staff": True})[0] for i in range(20)]
    now = timezone.now()
    batch, made = [], 0
    for number in range(count):
        title = rng.choice(TITLES)
        batch.append(
            Ticket(
                title=f"{title} #{number}",
                queue=queue,
                description=f"{title}。来电人反映情况，请求帮助（合成数据 {number}）。",
                status=rng.choice([1, 2, 3, 4]),
                priority=rng.randint(1, 5),
                submitter_email=f"p{number}@x.example",
                assigned_to=rng.choice(staff),
                created=now - timedelta(minutes=rng.randrange(60 * 24 * 730)),
                modified=now,
            )
        )
        if len(batch) == 5000:
            made += len(Ticket.objects.bulk_create(batch))
            batch = []
    if batch:
        made += len(Ticket.objects.bulk_create(batch))
    followups = []
    for ticket_id in Ticket.objects.values_list("id", flat=True).iterator():
        for _ in range(rng.randint(1, 3)):
            followups.append(
                FollowUp(ticket_id=ticket_id, title="跟进", comment="已电话联系当事人", public=True, date=now)
            )
        if len(followups) >= 10000:
            FollowUp.objects.bulk_create(followups)
            followups = []
    if followups:
        FollowUp.objects.bulk_create(followups)
    print(f"loaded {made} tickets", file=sys.stderr)


def prepare() -> dict:
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True})
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    base = {"filtering": {"status__in": [1, 2, 3]}, "sorting": "created", "search_string": "", "sortreverse": False}
    listing = query_to_base64(base)
    ids = list(Ticket.objects.order_by("-id").values_list("id", flat=True)[:500])
    list_path = f"/helpdesk/datatables_ticket_list/{listing}?draw=1&start=0&length=25"
    return {
        "cookie": f"sessionid={store.session_key}",
        "list": [list_path],
        "search": [f"{list_path}&search%5Bvalue%5D=%E6%AC%A0%E8%96%AA"],
        "detail": [f"/helpdesk/tickets/{pk}/" for pk in ids],
        "dashboard": ["/helpdesk/dashboard/"],
    }


if __name__ == "__main__":
    if sys.argv[1] == "load":
        load(int(sys.argv[2]))
    else:
        print(json.dumps(prepare()))
