"""The calendar panel on /me/, a page of the residents app.

A template tag keeps the layers of DESIGN.md §3: the residents app imports nothing of meetings;
its template loads this tag, and meetings reads what the panel needs.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from meetings.models import CalendarFeed

register = template.Library()


@register.inclusion_tag("meetings/_calendar_me_panel.html", takes_context=True)
def calendar_feed_panel(context, request):
    """The person's private calendar address and how to subscribe to it; a button to make one
    when they have none (showing the page makes nothing). One query."""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = ""
    if feed is not None:
        url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.token]))
    return {
        "feed": feed,
        "feed_url": url,
        # Tapping a webcal: link offers to subscribe on an iPhone or a Mac.
        "webcal_url": "webcal://" + url.split("://", 1)[1] if url else "",
        "csrf_token": context.get("csrf_token"),
    }
