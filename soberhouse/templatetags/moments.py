"""``{% moment %}``, ``{% moment_time %}`` and ``|shown``: every moment and date on a page goes
through ``soberhouse.moments``, in a named format and, for a moment, on a zone's clock."""

from __future__ import annotations

import datetime as dt

from django import template

from soberhouse import moments

register = template.Library()


def _viewer_zone(context) -> str:
    """The person's zone, for a page that is not about one house (see ``Roles.time_zone``). A
    page for nobody signed in, or rendered without the request, names its zone."""
    roles = context.get("roles")
    if roles is None:
        raise ValueError("A moment is shown in a zone: give the house's (nobody is signed in)")
    return roles.time_zone


def _zone(context, value, zone):
    """The zone asked for; for a moment on a page that names none, the person's."""
    if zone is None and isinstance(value, dt.datetime):
        return _viewer_zone(context)
    return zone or None


@register.simple_tag(takes_context=True)
def moment(context, value, name: str, zone=None, default: str = ""):
    """The text of a moment (in ``zone``, or the person's zone when the page names none) or of a
    date, in the named format; ``default`` when there is no value."""
    if value is None or value == "":
        return default
    return moments.shown(value, name, _zone(context, value, zone))


@register.simple_tag(takes_context=True)
def moment_time(context, value, name: str, zone=None, default: str = ""):
    """The same text inside ``<time datetime="…">``, with the machine-readable value (ISO 8601 to
    the second, with the zone's offset)."""
    if value is None or value == "":
        return default
    return moments.html(value, name, _zone(context, value, zone))


@register.filter
def shown(value, name: str):
    """The text alone, for a date or a time of day (a title, an attribute, ``firstof``). A moment
    needs its zone: use ``{% moment %}``."""
    if value is None or value == "":
        return ""
    return moments.shown(value, name)
