"""The house meeting's panels on pages that belong to the residents app (/today/ and the house
dashboard). Template tags keep the layers of DESIGN.md §3: residents imports nothing of
meetings; its templates load these tags."""

from __future__ import annotations

from django import template

from meetings.outside import short_this_week
from meetings.selectors import meetings_panel, motions_to_vote_on, next_meeting

register = template.Library()


@register.inclusion_tag("meetings/_today_panel.html")
def today_meetings(stay):
    """The next house meeting, and any motion waiting for the resident's vote."""
    return {
        "meeting": next_meeting(stay.house),
        "motions": list(motions_to_vote_on(stay)),
        "house": stay.house,
    }


@register.inclusion_tag("meetings/_dashboard_panel.html")
def meetings_dashboard(house):
    """The last meeting's attendance, the next meeting, the motions open, and who has outside
    meetings still to go this week."""
    return {"panel": meetings_panel(house), "short": short_this_week(house), "house": house}
