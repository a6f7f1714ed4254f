"""The pages shown when something goes wrong: our own words and stylesheet, never Django's bare
page. A failure to reach the database is not the person's fault nor a bug they can report: it
answers 503 with a page that says to try again shortly, and ``Retry-After`` for programs."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

# Seconds a client may wait before trying again while the database is away.
RETRY_AFTER = 30


def server_error(request) -> HttpResponse:
    """Django's handler500, called while the exception is being handled. Rendered without the
    request's context: the navigation would ask the database, which may be what failed."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
