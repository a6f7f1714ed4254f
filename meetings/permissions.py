"""Who may see a house meeting and who may run it.

Seeing: the residents living in the house now, its managers, and staff. Running (attendance,
motions, votes, minutes, moving or cancelling it): the house's managers and staff, the meeting's
chair and secretary, and the house's elected secretary while they live there. Everything else
answers 404 through the views, never 403.
"""

from __future__ import annotations

from django.db.models import QuerySet

from meetings.models import Meeting
from meetings.officers import is_secretary
from residents.access import current_stay, houses_managed_by, houses_visible_to, is_staff


def meetings_visible_to(user) -> QuerySet[Meeting]:
    """Meetings of the houses the user may see: a resident's current house, a manager's houses,
    every house for staff."""
    if is_staff(user):
        return Meeting.objects.all()
    return Meeting.objects.filter(house__in=houses_visible_to(user).values("pk"))


def may_run(user, meeting: Meeting) -> bool:
    """Whether the user may take attendance, handle motions and write the minutes."""
    if not user.is_authenticated:
        return False
    if is_staff(user) or houses_managed_by(user).filter(pk=meeting.house_id).exists():
        return True
    stay = current_stay(user)
    if stay is None or stay.house_id != meeting.house_id:
        return False
    resident = stay.resident
    if resident.pk in (meeting.chair_id, meeting.secretary_id):
        return True
    return is_secretary(resident, meeting.house)
