"""The private calendar feed, and making or replacing its address from /me/."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_POST, require_safe

from meetings.calendar import (
    calendar_feed_create,
    calendar_feed_revoke,
    calendar_render,
    feed_by_token,
)


@require_safe
def feed(request, token: str):
    """No sign-in: calendar apps cannot. The token is the key; an unknown or revoked one is
    404. An app that sends back the ETag or Last-Modified it got is answered 304 with no body
    until the feed's contents change."""
    calendar_feed = feed_by_token(token)
    if calendar_feed is None:
        raise Http404
    body = calendar_render(calendar_feed)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    last_modified = int(calendar_feed.changed_at.timestamp())
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    # Phones poll; a quarter of an hour in their own cache is fresh enough. Never a shared cache.
    response["Cache-Control"] = "private, max-age=900"
    response["Content-Disposition"] = 'inline; filename="soberhouse.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )


@login_required
@require_POST
def feed_manage(request):
    """Make the person's address, or with ``action=revoke`` replace it with a new one."""
    if request.POST.get("action") == "revoke":
        calendar_feed_revoke(user=request.user, request=request)
        messages.success(
            request,
            "Your calendar has a new address and the old one no longer works. "
            "Add the new one to your calendar.",
        )
    else:
        calendar_feed_create(user=request.user, request=request)
        messages.success(request, "Your calendar address is ready. Add it to your phone below.")
    return redirect(reverse("me") + "#calendar")
