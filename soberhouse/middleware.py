from __future__ import annotations

import sys

from django.core.signals import got_request_exception
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers, patch_cache_control


def private_pages(get_response):
    """Pages for a signed-in person may hold health information: no browser or proxy keeps them,
    so Back after signing out on a shared phone shows nothing."""

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response

    return middleware


RETRY_AFTER_SECONDS = 30


def _note_database_error(sender, request=None, **kwargs):  # noqa: ARG001
    """Mark a request that failed because the database did not answer (Django sends this signal
    inside its ``except`` block, so the exception is the one being handled)."""
    error = sys.exc_info()[1]
    if (
        request is not None
        and isinstance(error, (OperationalError, InterfaceError))
        and _unreachable(connections[DEFAULT_DB_ALIAS])
    ):
        request.soberhouse_database_unavailable = True


def _unreachable(wrapper) -> bool:
    """No connection could be made, or the server ended it (shut down, restarted). A deadlock or
    a timeout leaves the connection working: that stays a 500, a fault of ours."""
    raw = wrapper.connection
    return raw is None or raw.closed or raw.broken


def database_unavailable(get_response):
    """While PostgreSQL is down or restarting, a page answers 503 with Retry-After, not 500.

    Django turns an exception into a 500 response inside each middleware layer, so this one (at
    the top of the stack) cannot catch it; the ``got_request_exception`` signal marks the request
    and the 500 is replaced here. Connections are not reused across a restart: CONN_HEALTH_CHECKS
    tests a kept connection before a request's first query."""
    got_request_exception.connect(_note_database_error, dispatch_uid="soberhouse-database-down")

    def middleware(request):
        response = get_response(request)
        if response.status_code == 500 and getattr(
            request, "soberhouse_database_unavailable", False
        ):
            response = _unavailable()
        return response

    return middleware


def _unavailable() -> HttpResponse:
    # Rendered without the request: its context processors would ask the database again.
    try:
        body = loader.render_to_string("503.html")
    except Exception:  # noqa: BLE001 - plain words rather than a second failure
        # No 503.html, or one that needs what is down.
        body = "Soberhouse is briefly unavailable. Please try again in a minute."
        response = HttpResponse(body, status=503, content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
