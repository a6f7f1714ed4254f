"""The production recipe: docker-compose.yml, the Dockerfile, .dockerignore and .env.example agree
with each other and with the variables settings.py reads."""

from __future__ import annotations

import ast
import os
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from soberhouse.management.commands.healthcheck import DEFAULT_SCHEDULE
from tests.processes import manage

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {"postgres", "redis", "migrate", "web", "worker", "beat"}
LONG_RUNNING = SERVICES - {"migrate"}  # migrate runs once and exits
APP_SERVICES = ["web", "worker", "beat"]
# settings.py reads the environment only through these helpers of soberhouse/env.py.
ENV_READERS = {"env_str", "env_required", "env_bool", "env_int", "env_list"}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _service(name: str) -> dict:
    return _compose()["services"][name]


def _command(name: str) -> str:
    command = _service(name)["command"]
    return command if isinstance(command, str) else " ".join(command)


def _host(url: str) -> str | None:
    """The host of a URL in which compose has not yet replaced the ${...} variables."""
    return urlsplit(re.sub(r"\$\{[^}]*\}", "x", url)).hostname


def _user(url: str) -> str | None:
    return urlsplit(re.sub(r"\$\{[^}]*\}", "x", url)).username


def _example() -> dict[str, str]:
    """The NAME=value lines of .env.example that are not commented out."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[name.strip()] = value
    return values


def _settings_variables() -> set[str]:
    """Every variable name settings.py passes to an env_* reader."""
    tree = ast.parse((ROOT / "soberhouse" / "settings.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ENV_READERS
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def _run_instructions() -> list[str]:
    """The Dockerfile's RUN instructions, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [line.strip()[4:] for line in joined.splitlines() if line.strip().startswith("RUN ")]


def _collectstatic_environment() -> dict[str, str]:
    (run,) = [line for line in _run_instructions() if "collectstatic" in line]
    words = shlex.split(run)
    return dict(word.split("=", 1) for word in words[: words.index("python")])


def _settings_environment(values: dict[str, str]) -> dict[str, str]:
    """A clean environment for a child process: no test settings, only the given values."""
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return {**keep, **values, "DJANGO_SETTINGS_MODULE": "soberhouse.settings"}


def test_it_has_exactly_these_services():
    assert set(_compose()["services"]) == SERVICES


@pytest.mark.parametrize("name", sorted(LONG_RUNNING))
def test_every_service_has_a_health_check(name):
    test = _service(name)["healthcheck"]["test"]

    assert test[0] in {"CMD", "CMD-SHELL"}
    assert len(test) > 1


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_are_checked_by_the_healthcheck_command(name):
    assert _service(name)["healthcheck"]["test"] == [
        "CMD",
        "python",
        "manage.py",
        "healthcheck",
        name,
    ]


def test_migrate_runs_the_migrations_then_grants_the_app_role_as_the_owner():
    service = _service("migrate")
    command = _command("migrate")

    assert "python manage.py migrate --noinput" in command
    # A failed migration must stop the start, not be followed by the grants anyway.
    assert "&& python manage.py grant_app_role soberhouse_app --create" in command
    assert command.index("migrate --noinput") < command.index("grant_app_role")
    owner = _service("postgres")["environment"]["POSTGRES_USER"]
    assert _user(service["environment"]["DATABASE_URL"]) == owner == "soberhouse"
    assert service["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert service.get("restart") == "no"


def test_web_serves_as_gunicorn_once_migrate_has_finished():
    command = _command("web")

    assert command.startswith("sh -c exec gunicorn soberhouse.wsgi:application")
    assert "migrate" not in command  # the app's role could not run migrations
    assert "--bind 0.0.0.0:8000" in command
    assert "--workers" in command
    assert "--forwarded-allow-ips" in command


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_connect_as_the_app_role_after_migrate(name):
    service = _service(name)
    assert _user(service["environment"]["DATABASE_URL"]) == "soberhouse_app"
    assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    # The owner's password, which .env holds for compose, is blanked for the app.
    assert service["environment"]["POSTGRES_PASSWORD"] == ""


def test_worker_runs_celery_worker():
    assert _command("worker") == "celery -A soberhouse worker --loglevel info"


def test_beat_writes_the_schedule_its_health_check_reads():
    assert _command("beat") == (
        f"celery -A soberhouse beat --loglevel info --schedule {DEFAULT_SCHEDULE}"
    )


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_read_env_file_and_wait_for_healthy_backing(name):
    service = _service(name)

    assert service["build"] == "."
    assert service["env_file"] in (".env", [".env"])
    for backing in ("postgres", "redis"):
        assert service["depends_on"][backing] == {"condition": "service_healthy"}


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_reach_the_compose_database_and_broker(name):
    environment = _service(name)["environment"]

    assert _host(environment["DATABASE_URL"]) == "postgres"
    assert _host(environment["REDIS_URL"]) == "redis"


def test_postgres_keeps_its_data_in_a_named_volume():
    compose = _compose()
    (volume,) = compose["services"]["postgres"]["volumes"]
    name, _, path = volume.partition(":")

    assert name in compose["volumes"]
    # The postgres:18 image refuses to start with a volume on the old /var/lib/postgresql/data.
    assert path == "/var/lib/postgresql"


def test_every_variable_compose_interpolates_is_documented():
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", text))

    assert used  # the pattern still matches how the file names them
    assert used - set(_example()) == set()


def test_every_variable_the_settings_read_is_documented():
    documented = set(_example())
    read = _settings_variables()

    assert {"SECRET_KEY", "DATABASE_URL", "EMAIL_URL"} <= read  # the AST walk still finds them
    assert read - documented == set()
    for name in APP_SERVICES:
        assert set(_service(name)["environment"]) - documented == set()


def test_the_file_variant_is_documented():
    assert re.search(r"^# [A-Z_]+_FILE=/run/secrets/", (ROOT / ".env.example").read_text(), re.M)


def test_each_documented_variable_says_what_it_is():
    lines = (ROOT / ".env.example").read_text().splitlines()
    for number, line in enumerate(lines):
        if line.strip() and not line.startswith("#"):
            assert lines[number - 1].startswith("# "), f"no comment above {line!r}"


def test_the_example_keeps_localhost_for_the_web_health_check():
    example = _example()

    assert "localhost" in example["ALLOWED_HOSTS"].split(",")
    assert example["DEBUG"] == "false"


@pytest.mark.slow
def test_the_example_passes_the_deploy_checks():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=_settings_environment(_example())
    )

    assert result.returncode == 0, result.stderr


def test_dockerfile_installs_from_the_lock_and_collects_static():
    text = (ROOT / "Dockerfile").read_text()
    runs = _run_instructions()

    assert re.search(r"^FROM python:3\.12-slim\b", text, re.M)
    assert "pip install -c requirements.lock ." in runs
    assert any(re.search(r"manage\.py collectstatic --noinput\b", run) for run in runs)
    assert re.search(r"^USER (?!root)\S+", text, re.M)
    assert re.search(r"^EXPOSE 8000$", text, re.M)


def test_dockerfile_gives_build_values_only_to_collectstatic():
    environment = _collectstatic_environment()
    text = (ROOT / "Dockerfile").read_text()

    assert environment["DEBUG"] == "false"
    assert len(environment["SECRET_KEY"]) >= 50
    for name in (
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "SITE_URL",
    ):
        assert name in environment
        assert not re.search(rf"^(ENV|ARG)\b.*\b{name}\b", text, re.M)


@pytest.mark.slow
def test_dockerfile_build_values_load_the_settings():
    result = manage("check", env=_settings_environment(_collectstatic_environment()))

    assert result.returncode == 0, result.stderr


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())

    assert {".git", ".venv", "var", ".env", "**/__pycache__"} <= ignored
