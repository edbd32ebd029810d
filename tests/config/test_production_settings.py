"""Production settings: start-up stops naming a missing required setting, and the documented
production environment passes Django's deployment checks without a warning."""

import pytest

from tests.config.production import manage, production_env


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'lom.sqlite3'}"


def test_the_documented_production_environment_passes_check_deploy(sqlite_url):
    result = manage(production_env(sqlite_url), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_behind_a_tls_proxy_it_passes_too_and_trusts_x_forwarded_proto(sqlite_url):
    env = production_env(sqlite_url, LOM_PROXY_SSL_HEADER="1", LOM_PROXY_COUNT="1")
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    shown = manage(
        env,
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_REDIRECT_EXEMPT)",
    )
    assert shown.stdout.strip().splitlines()[-1] == (
        "('HTTP_X_FORWARDED_PROTO', 'https') True 31536000 True True ['^healthz/?$', '^readyz/?$']"
    ), shown.stderr


@pytest.mark.parametrize("name", ["SECRET_KEY", "ALLOWED_HOSTS", "LOM_BASE_URL", "DATABASE_URL"])
def test_a_missing_required_setting_stops_start_up_naming_it(sqlite_url, name):
    env = production_env(sqlite_url)
    del env[name]
    result = manage(env, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name} is not set" in result.stderr


def test_an_empty_required_setting_counts_as_missing(sqlite_url):
    result = manage(production_env(sqlite_url, ALLOWED_HOSTS=" "), "check")
    assert result.returncode != 0 and "ALLOWED_HOSTS is not set" in result.stderr


def test_sqlite_in_production_only_when_asked_for(tmp_path):
    env = production_env("", LOM_ALLOW_SQLITE="1")
    del env["DATABASE_URL"]
    result = manage(env, "check")
    assert result.returncode == 0, result.stderr


def test_development_needs_none_of_them():
    env = production_env("", DEBUG="1")
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "LOM_BASE_URL", "DATABASE_URL"):
        del env[name]
    result = manage(env, "check")
    assert result.returncode == 0, result.stderr
