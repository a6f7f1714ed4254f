"""The mentoring panel on /today/, a page of the residents app.

A template tag keeps the layers of DESIGN.md §3: the residents app imports nothing of peerlog;
its template loads this tag, and peerlog reads what the panel needs.
"""

from __future__ import annotations

from django import template

from peerlog.selectors import my_mentoring

register = template.Library()


@register.inclusion_tag("peerlog/_today_panel.html")
def today_mentoring(stay):
    """The resident's mentor with a phone link, and for a mentor the mentees overdue for contact
    (one query)."""
    mine = my_mentoring(stay.resident)
    return {"pairing": mine.mentor_pairing, "overdue": mine.overdue}
