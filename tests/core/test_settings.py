import os
import subprocess
import sys

import pytest

from shuniu.env import EnvError, env_bool, env_choice, env_int, env_list


def test_typed_helpers_reject_bad_values():
    with pytest.raises(EnvError, match="SHUNIU_X must be a whole number"):
        env_int("SHUNIU_X", 1, environ={"SHUNIU_X": "ten"})
    with pytest.raises(EnvError, match="at least 1"):
        env_int("SHUNIU_X", 1, minimum=1, environ={"SHUNIU_X": "0"})
    with pytest.raises(EnvError, match="SHUNIU_B must be one of"):
        env_bool("SHUNIU_B", False, environ={"SHUNIU_B": "maybe"})
    with pytest.raises(EnvError, match="SHUNIU_E must be one of development, production"):
        env_choice("SHUNIU_E", "development", ["development", "production"], environ={"SHUNIU_E": "prod"})
    with pytest.raises(EnvError, match="without empty items"):
        env_list("SHUNIU_L", [], environ={"SHUNIU_L": "a,,b"})
    assert env_bool("SHUNIU_B", False, environ={"SHUNIU_B": "yes"}) is True
    assert env_list("SHUNIU_L", [], environ={"SHUNIU_L": "a, b"}) == ["a", "b"]


def _start(env: dict) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); print('started')"
    base = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "shuniu.settings",
        "SHUNIU_VAR_DIR": "/tmp/shuniu-env-test",
    }
    return subprocess.run(
        [sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True, check=False
    )


def test_production_refuses_development_secrets():
    result = _start({"SHUNIU_ENV": "production"})
    assert result.returncode != 0
    assert "SHUNIU_SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_data_key():
    from shuniu.settings import DEVELOPMENT_DATA_KEY

    result = _start(
        {"SHUNIU_ENV": "production", "SHUNIU_SECRET_KEY": "x" * 50, "SHUNIU_DATA_KEY": DEVELOPMENT_DATA_KEY}
    )
    assert result.returncode != 0
    assert "SHUNIU_DATA_KEY must be set to a private key" in result.stderr


def test_production_starts_with_real_secrets():
    from cryptography.fernet import Fernet

    result = _start(
        {
            "SHUNIU_ENV": "production",
            "SHUNIU_SECRET_KEY": "s" * 50,
            "SHUNIU_DATA_KEY": Fernet.generate_key().decode(),
            "SHUNIU_INDEX_KEY": "i" * 40,
        }
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_a_bad_variable_stops_the_start_with_its_name():
    result = _start({"SHUNIU_IDLE_TIMEOUT_MINUTES": "soon"})
    assert result.returncode != 0
    assert "SHUNIU_IDLE_TIMEOUT_MINUTES must be a whole number" in result.stderr


def test_unknown_permission_key_in_a_role_fails_at_start_up():
    from django.core.exceptions import ImproperlyConfigured

    from shuniu.core import permissions

    permissions.ROLE_GRANTS["caseworker"].append("rights:nonexistent_key")
    try:
        with pytest.raises(ImproperlyConfigured, match="unknown permission key 'rights:nonexistent_key'"):
            permissions.validate()
    finally:
        permissions.ROLE_GRANTS["caseworker"].remove("rights:nonexistent_key")


def test_static_files_collect_for_production(tmp_path):
    """The manifest storage used in production checks every url() and source map a file references."""
    from cryptography.fernet import Fernet

    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "shuniu.settings",
        "SHUNIU_VAR_DIR": str(tmp_path),
        "SHUNIU_ENV": "production",
        "SHUNIU_SECRET_KEY": "s" * 50,
        "SHUNIU_DATA_KEY": Fernet.generate_key().decode(),
        "SHUNIU_INDEX_KEY": "i" * 40,
        "SHUNIU_SECURE_SSL": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "shuniu", "collectstatic", "--noinput", "-v0"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_a_log_line_of_django_or_the_task_worker_is_printed_once_in_development():
    code = (
        "import django, logging, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'shuniu.settings'; django.setup();"
        "logging.getLogger('django.tasks').info('task line'); logging.getLogger('shuniu').info('app line')"
    )
    env = {**os.environ, "SHUNIU_ENV": "development", "SHUNIU_DEBUG": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    lines = (result.stdout + result.stderr).splitlines()
    assert len([line for line in lines if line.endswith("task line")]) == 1
    assert len([line for line in lines if line.endswith("app line")]) == 1
