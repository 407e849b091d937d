"""Shared fixtures: the world of organisations and the personas every app's tests use.

Personas (STYLE.md): `caseworker` and `colleague` work in the Women's Federation (org_a),
`outsider` works in the trade union (org_b), `coordinator` is the district coordinator in the
joint office, `anonymous` is a visitor without an account. `supervisor` supervises org_a.
"""

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.world import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def caseworker(world):
    return world.caseworker


@pytest.fixture
def colleague(world):
    return world.colleague


@pytest.fixture
def outsider(world):
    return world.outsider


@pytest.fixture
def coordinator(world):
    return world.coordinator


@pytest.fixture
def supervisor(world):
    return world.supervisor


@pytest.fixture
def client_for(client, world):
    """`client_for(user)` returns a test client signed in as that user, two-factor satisfied."""
    from django.test import Client

    def make(user):
        if user is None:
            return Client()
        c = Client()
        world.sign_in(c, user)
        return c

    return make


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _test_settings(settings, _media_root):
    # Uploaded and generated files of tests go to a temporary folder, never to var/media.
    settings.MEDIA_ROOT = _media_root
    settings.LANGUAGE_CODE = "zh-hans"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.AXES_ENABLED = True
    # Argon2 is the real hasher (tests/core/test_security.py checks it); tests use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    translation.activate("zh-hans")
    # The database is rolled back after every test; the cache must not keep what it held.
    cache.clear()
    yield
    # A request in English must not leave the next test in English.
    translation.activate("zh-hans")
