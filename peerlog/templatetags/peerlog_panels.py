"""The mentoring panel on /today/, a page of the residents app.

A template tag keeps the layers of DESIGN.md §3: the residents app imports nothing of peerlog;
its template loads this tag, and peerlog reads what the panel needs.
"""

from __future__ import annotations

from django import template

from peerlog.selectors import my_mentees, my_mentor

register = template.Library()


@register.inclusion_tag("peerlog/_today_panel.html")
def today_mentoring(stay):
    """The resident's mentor with a phone link, and for a mentor how many mentees are overdue
    for contact (two queries: the mentee's pairing, the mentor's pairings)."""
    overdue = [row for row in my_mentees(stay.resident) if row.overdue]
    return {"pairing": my_mentor(stay.resident), "overdue": overdue}
