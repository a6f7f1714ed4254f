"""Typed readers for settings from the environment.

Each reader fails loudly with :class:`ImproperlyConfigured` naming the variable, so a bad value
stops start-up instead of surfacing later as a confusing error. Every variable may instead be
given as ``NAME_FILE``: the path of a file holding the value (for Docker and Kubernetes secrets).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            with open(file_name, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"{name}_FILE: cannot read {file_name!r} ({error.strerror})."
            ) from error
    return os.environ.get(name)


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None else value


def env_required(name: str, why: str) -> str:
    value = _raw(name)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set: {why}")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use true or false.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} must be at least {minimum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_database_url(name: str, url: str) -> dict:
    """Turn ``postgres://user:password@host:port/name?host=/socket/dir`` into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"{name} must start with postgres:// or postgresql:// "
            f"(got {parts.scheme or 'no'} scheme)."
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    database = unquote(parts.path.lstrip("/"))
    if not database:
        raise ImproperlyConfigured(
            f"{name} must name a database, as in postgres://host/soberhouse."
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a port that is not a number.") from None
    host = query.pop("host", None) or unquote(parts.hostname or "")
    options = {key: value for key, value in query.items() if key in {"sslmode", "sslrootcert"}}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": database,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(port or ""),
        "OPTIONS": options,
    }


def database_url(db: dict) -> str:
    """The URL of a ``DATABASES`` entry, the inverse of ``parse_database_url``: for a child
    process (gunicorn, ``manage.py``) that must reach the same database. A Unix socket's folder
    goes in ``?host=``."""
    auth = quote(db["USER"], safe="") + (
        f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    )
    host, port = db["HOST"] or "", f":{db['PORT']}" if db["PORT"] else ""
    query = {
        key: value for key, value in db["OPTIONS"].items() if key in {"sslmode", "sslrootcert"}
    }
    if host.startswith("/"):  # a Unix socket's folder
        query["host"] = host
        host = ""
    tail = "&".join(f"{key}={quote(str(value), safe='/')}" for key, value in query.items())
    return f"postgresql://{auth}@{host}{port}/{quote(db['NAME'])}" + (f"?{tail}" if tail else "")


def check_redis_url(name: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss", "unix", "redis+socket"} or not (
        parts.hostname or parts.path
    ):
        raise ImproperlyConfigured(f"{name} must look like redis://host:6379/0 (got {url!r}).")
    return url


def check_http_url(name: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(f"{name} must be an http:// or https:// address (got {url!r}).")
    return url.rstrip("/")


@dataclass(frozen=True)
class EmailConfig:
    backend: str
    host: str = ""
    port: int = 0
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    file_path: str = ""


def parse_email_url(name: str, url: str) -> EmailConfig:
    """Read ``smtp://user:pass@host:587?tls=true``, ``smtps://…``, ``console:``, ``file:///dir``,
    ``locmem:`` or ``dummy:``."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name} must name the SMTP host, as in smtp://mail:587.")
        query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
        try:
            port = parts.port or (465 if scheme == "smtps" else 25)
        except ValueError:
            raise ImproperlyConfigured(f"{name} has a port that is not a number.") from None
        return EmailConfig(
            backend="django.core.mail.backends.smtp.EmailBackend",
            host=parts.hostname,
            port=port,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            use_tls=scheme == "smtp" and query.get("tls") in _TRUE,
            use_ssl=scheme == "smtps",
        )
    simple = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if scheme in simple:
        return EmailConfig(backend=simple[scheme])
    if scheme == "file" and parts.path:
        return EmailConfig(
            backend="django.core.mail.backends.filebased.EmailBackend", file_path=parts.path
        )
    raise ImproperlyConfigured(
        f"{name} must be smtp://, smtps://, console:, file:///dir, locmem: or dummy: (got {url!r})."
    )
