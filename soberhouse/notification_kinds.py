"""Every kind of notification a person may receive, with the words the preferences page shows.

Apps create notifications of these kinds through ``soberhouse.outbox.notify``; a person may mute
any of them on ``/notifications/preferences/``. Add a kind here when an app starts sending it.
"""

from __future__ import annotations

KINDS: dict[str, str] = {
    "chores.today": "Your chores each morning",
    "chores.missed": "A chore of yours that was missed",
    "chores.check_waiting": "A chore waiting for your check",
    "chores.swap_asked": "A housemate asking you to swap a chore",
    "meetings.tomorrow": "The house meeting tomorrow",
    "meetings.in_an_hour": "The house meeting in an hour",
    "meetings.motion_open": "A motion open for your vote",
    "meetings.outside_short": "Outside meetings short of this week's expectation",
    "peerlog.no_contact": "A mentee you have not been in touch with lately",
    "peerlog.new_check_in": "A new check-in from your mentor",
    "residents.milestone_tomorrow": "Your own milestone, the day before",
    "residents.milestone_house": "A housemate's milestone, on the day",
    "reports.ready": "A monthly report ready to download",
}


# Sent whatever anyone chose: an invitation goes to someone who has no preferences yet.
ALWAYS_SENT: dict[str, str] = {"invitations": "An invitation to join a house"}


def label_of(kind: str) -> str:
    return KINDS.get(kind) or ALWAYS_SENT.get(kind, kind)
