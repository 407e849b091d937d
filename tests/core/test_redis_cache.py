"""With `SHUNIU_REDIS_URL` (the deployment with several web processes) the cache and the sessions
live in Redis: the client library is installed and a session written by one request is read by
the next. Skipped where no Redis answers on 127.0.0.1:6379 (CI has one)."""

import socket
import subprocess
import sys
import uuid

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_settings_put_cache_and_sessions_in_redis_when_configured():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='shuniu.settings'; django.setup();"
        "from django.conf import settings as s; import redis;"
        "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE)"
    )
    env = {"SHUNIU_ENV": "development", "SHUNIU_REDIS_URL": "redis://127.0.0.1:6379/9", "PATH": "/usr/bin:/bin"}
    output = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert output.split() == ["django.core.cache.backends.redis.RedisCache", "django.contrib.sessions.backends.cache"]


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_signed_in_session_lives_in_redis(client_for, world):
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/9",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # parallel test runs share the server
        }
    }
    with override_settings(CACHES=caches, SESSION_ENGINE="django.contrib.sessions.backends.cache"):
        from django.core.cache import caches as handler

        client = client_for(world.caseworker)
        assert client.get(reverse("rights:queue")).status_code == 200
        session_key = client.cookies["sessionid"].value
        stored = handler["default"].get("django.contrib.sessions.cache" + session_key)
        assert stored is not None and str(stored[SESSION_KEY]) == str(world.caseworker.pk)
        handler["default"].delete("django.contrib.sessions.cache" + session_key)
        # The session is gone with the cache entry: the next request is sent to sign in.
        assert client.get(reverse("rights:queue")).status_code == 302
