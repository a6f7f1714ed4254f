"""Peer mentoring's panel on the house dashboard, a page of the residents app. A template tag
keeps the layers of DESIGN.md §3: residents imports nothing of peerlog; its template loads this
tag."""

from __future__ import annotations

from django import template

from peerlog.selectors import mentoring_panel

register = template.Library()


@register.inclusion_tag("peerlog/_dashboard_panel.html")
def mentoring_dashboard(house):
    """Active pairs, mentees overdue for a check-in, residents without a mentor, and requests
    waiting (``mentoring_panel``: four queries)."""
    return {"panel": mentoring_panel(house), "house": house}
