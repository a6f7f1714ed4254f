"""Chores' panels on pages that belong to the residents app (today, the house dashboard).

Template tags keep the layers of DESIGN.md §3: the residents app imports nothing of chores; its
templates load these tags, and chores reads what the panels need.
"""

from __future__ import annotations

from django import template

from chores.dashboard import chores_panel
from chores.selectors import open_chores_today

register = template.Library()


@register.inclusion_tag("chores/_today_panel.html")
def today_chores(stay, house_today):
    """The resident's chores still open today, on /today/."""
    return {"chores": open_chores_today(stay), "stay": stay, "house_today": house_today}


@register.inclusion_tag("chores/_dashboard_panel.html")
def chores_dashboard(house):
    """Done, waiting for a check, overdue and missed this week, on the house dashboard."""
    return {"chores": chores_panel(house), "house": house}
