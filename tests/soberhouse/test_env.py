"""Settings come from the environment; a bad value stops start-up and names the variable."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from soberhouse.env import database_url, env_bool, env_int, parse_database_url, parse_email_url

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "production-like-7Hq2-vX9e-Lr4M-pZ8w-Kc3N-tY6b-Jd1F-sG5h-Wm0Q-aR2u",
    "ALLOWED_HOSTS": "soberhouse.example.org",
    "DATABASE_URL": "postgres://app:secret@db:5432/soberhouse",
    "REDIS_URL": "redis://redis:6379/0",
    "EMAIL_URL": "smtp://mailer:pw@smtp.example.org:587?tls=true",
    "SITE_URL": "https://soberhouse.example.org",
    "DEFAULT_FROM_EMAIL": "Soberhouse <houses@example.org>",
}


SETTINGS_VARIABLES = {
    *PRODUCTION,
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "REQUIRE_MFA",
    "DATABASE_CONN_MAX_AGE",
    "LOG_LEVEL",
    "TRUSTED_PROXY_COUNT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(**overrides: str | None) -> dict[str, str]:
    """This process's environment with production settings in place of the test ones."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in SETTINGS_VARIABLES and not key.endswith("_FILE")
    }
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="soberhouse.settings")
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def _start(**overrides: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env=production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_values_start():
    result = _start()
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("SECRET_KEY", "short"),
        ("SECRET_KEY", None),
        ("ALLOWED_HOSTS", ""),
        ("DATABASE_URL", "mysql://db/soberhouse"),
        ("DATABASE_URL", None),
        ("DATABASE_URL", "postgres://db:port/soberhouse"),
        ("REDIS_URL", "http://redis"),
        ("REDIS_URL", None),
        ("EMAIL_URL", "carrier-pigeon://loft"),
        ("DEFAULT_FROM_EMAIL", "nobody"),
        ("DEFAULT_FROM_EMAIL", None),
        ("SITE_URL", "soberhouse.example.org"),
        ("SECURE_HSTS_SECONDS", "a year"),
        ("DATABASE_CONN_MAX_AGE", "-1"),
        ("REQUIRE_MFA", "false"),
        ("TRUSTED_PROXY_COUNT", "one"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable, value):
    result = _start(**{variable: value})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert variable in last_line


def test_a_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s" * 64 + "\n")
    result = _start(SECRET_KEY=None, SECRET_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr


def test_a_missing_secret_file_is_named(tmp_path):
    result = _start(SECRET_KEY=None, SECRET_KEY_FILE=str(tmp_path / "absent"))
    assert "SECRET_KEY_FILE" in result.stderr.strip().splitlines()[-1]


def test_database_url_with_a_socket_directory():
    config = parse_database_url("DATABASE_URL", "postgresql://postgres@/soberhouse?host=/run/pg")
    assert (config["HOST"], config["NAME"], config["USER"]) == ("/run/pg", "soberhouse", "postgres")


def test_database_url_with_host_port_and_password():
    config = parse_database_url("DATABASE_URL", "postgres://app:p%40ss@db:6543/sh?sslmode=require")
    assert (config["HOST"], config["PORT"], config["PASSWORD"]) == ("db", "6543", "p@ss")
    assert config["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@/soberhouse?host=/tmp/ci/var/pgdata",  # the embedded server's socket
        "postgresql://app:p%40ss%3Aw%2Fd@db:6543/sh?sslmode=require",
        "postgresql://postgres@127.0.0.1:5432/test_soberhouse",
    ],
)
def test_a_databases_entry_turns_back_into_its_url(url):
    """A child process given ``database_url`` of the settings reaches the same database."""
    config = parse_database_url("DATABASE_URL", url)
    assert database_url(config) == url
    assert parse_database_url("DATABASE_URL", database_url(config)) == config


@pytest.mark.parametrize(
    ("url", "backend", "tls", "ssl", "port"),
    [
        ("smtp://u:p@mail:587?tls=true", "smtp", True, False, 587),
        ("smtps://u:p@mail", "smtp", False, True, 465),
        ("console:", "console", False, False, 0),
        ("file:///tmp/mail", "filebased", False, False, 0),
    ],
)
def test_email_url_forms(url, backend, tls, ssl, port):
    config = parse_email_url("EMAIL_URL", url)
    assert backend in config.backend
    assert (config.use_tls, config.use_ssl, config.port) == (tls, ssl, port)


def test_booleans_and_numbers(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "nope")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", False)
    monkeypatch.setenv("COUNT", "7")
    assert env_int("COUNT", 1) == 7
