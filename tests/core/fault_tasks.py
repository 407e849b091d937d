"""A task for the fault tests: its effect is idempotent (a notification with a dedupe key); it then
hangs while a flag file exists, giving the test a window to kill the worker mid-task."""

import time
from pathlib import Path

from django.tasks import task


@task()
def effect_then_hang(username: str, key: str, flag_path: str) -> str:
    from shuniu.core.models import User
    from shuniu.core.services import notify

    notify([User.objects.get(username=username)], "fault-test effect", dedupe_key=key)
    deadline = time.monotonic() + 120
    while Path(flag_path).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    return "done"
