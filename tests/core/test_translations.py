"""Chinese first, English complete: every catalogue is fully translated and compiles."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

CATALOGUES = sorted(Path(settings.PACKAGE_DIR).rglob("locale/*/LC_MESSAGES/django.po"))


def test_every_app_with_strings_has_catalogues():
    assert any(path.parts[-4] == "locale" for path in CATALOGUES)
    languages = {path.parts[-3] for path in CATALOGUES}
    assert languages == {"zh_Hans", "en"}


@pytest.mark.parametrize("path", CATALOGUES, ids=[str(p.relative_to(settings.PACKAGE_DIR)) for p in CATALOGUES])
def test_catalogue_is_complete(path):
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], f"{path}: untranslated {untranslated[:10]}"
    assert fuzzy == [], f"{path}: fuzzy {fuzzy[:10]}"


def test_chinese_is_the_default_and_english_switches(client):
    response = client.get("/accounts/login/")
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert "登录" in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/accounts/login/")
    assert "Sign in" in response.content.decode()
    assert "登录" not in response.content.decode().replace('lang="zh-hans">中文', "")


def test_role_names_are_translated():
    from shuniu.core.permissions import Role

    with translation.override("zh-hans"):
        assert str(Role.DISTRICT_COORDINATOR.label) == "区联席办协调员"
