"""The outside meeting log's panel on /today/, a page of the residents app.

A template tag keeps the layers of DESIGN.md §3: the residents app imports nothing of meetings;
its template loads this tag, and meetings reads what the panel needs.
"""

from __future__ import annotations

from django import template

from meetings.outside import my_week_count

register = template.Library()


@register.inclusion_tag("meetings/_outside_today_panel.html")
def today_outside_meetings(stay):
    """The panel "Outside meetings: 2 of 3 this week", with a link to log one (one query)."""
    return {"week": my_week_count(stay)}
