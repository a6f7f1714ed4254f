"""The audit trail: who read or changed what, when and from where.

Call :func:`record` for every change to resident data and every read of a resident's record, a peer
log or an export. It writes in the caller's transaction, so a change and its audit row land or fail
together.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from soberhouse.models import AuditEvent, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: the peer itself, or behind ``TRUSTED_PROXY_COUNT`` proxies the
    address the nearest untrusted hop gave in X-Forwarded-For (the same rule as allauth's rate
    limits)."""
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [hop for hop in forwarded if hop]
    if proxies and len(forwarded) >= proxies:
        candidate = forwarded[-proxies]
    else:
        candidate = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def record(
    *,
    action: str,
    actor: User | None = None,
    request: HttpRequest | None = None,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` defaults to the request's user; ``obj`` gives type and id."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_email=actor.email if actor else "",
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip=client_ip(request),
        changes=changes or {},
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{"field": [old, new]}`` for each field whose value changed, as JSON-ready strings."""
    return {
        key: [_plain(before.get(key)), _plain(value)]
        for key, value in after.items()
        if before.get(key) != value
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# The trail in words. Each action is said as its reader would say it; ``{object}`` is the thing
# acted on as a phrase ("Dana W.'s record") and ``{name}`` the bare name ("Dana W."), each put
# in neutral words when the reader may not see it. Every action written anywhere in the code
# has its words here (tests/soberhouse/test_audit_words.py reads the code to make sure).
LABELS: dict[str, str] = {
    "account.password_changed": "Changed the password of {object}",
    "account.recovery_codes_reset": "Made new recovery codes for {object}",
    "account.sign_in": "Signed in",
    "account.sign_in_failed": "A sign-in failed (wrong email or password)",
    "account.sign_out": "Signed out",
    "account.two_factor_added": "Turned on two-step sign-in for {object}",
    "account.two_factor_removed": "Turned off two-step sign-in for {object}",
    "admin.add": "Added {object} in the administration pages",
    "admin.change": "Changed {object} in the administration pages",
    "admin.delete": "Deleted {object} in the administration pages",
    "audit.export": "Downloaded part of the audit trail as a spreadsheet (CSV)",
    "calendar.created": "Made a private calendar link",
    "calendar.revoked": "Replaced a private calendar link (the old one stopped working)",
    "chore.checked": "Checked that a chore was done well",
    "chore.coordinator": "Chose the chore coordinator",
    "chore.generate": "Planned the chores ahead for {object}",
    "chore.hand_back": "Handed the chores ahead of {object}, who was moving out, to the rotation",
    "chore.pin": "Gave a chore to a resident by hand",
    "chore.redo": "Asked for a chore to be done again",
    "chore.settings": "Changed the chore settings",
    "chore.swaps_withdraw": "Withdrew the swap requests of {object}, who was moving out",
    "chore.unassign_after_move_out": "Took {object} off the chores after their move-out",
    "invitation.accept": "Accepted {object}",
    "invitation.create": "Sent {object}",
    "invitation.revoke": "Withdrew {object}",
    "me.data_download": "Downloaded all of their own data",
    "meeting.agenda_add": "Added an item to a house meeting's agenda",
    "meeting.agenda_discussed": "Marked an agenda item as discussed",
    "meeting.attendance": "Took attendance at {object}",
    "meeting.cancel": "Cancelled {object}",
    "meeting.edit": "Changed the time or place of {object}",
    "meeting.held": "Closed {object} as held",
    "meeting.minutes": "Wrote the minutes of {object}",
    "meeting.settings": "Changed when and where the house meets",
    "motion.decided": "Closed the vote on {object}",
    "motion.open_vote": "Opened the vote on {object}",
    "motion.propose": "Proposed {object}",
    "motion.vote": "Voted on {object}",
    "motion.withdraw": "Withdrew {object}",
    "notifications.preferences": "Changed which notifications they get",
    "notifications.retry": "Had a notification sent again",
    "notifications.unsubscribed": "Turned off a kind of notification email from its link",
    "officer.elect": "Made a resident a house officer",
    "officer.end": "Ended a house officer's term",
    "outside_meeting.deleted": "Removed an outside meeting from the log",
    "outside_meeting.logged": "Logged an outside meeting",
    "outside_meeting.unverified": "Took back the confirmation of an outside meeting",
    "outside_meeting.verified": "Confirmed an outside meeting",
    "peerlog.alumni_mentor": "Invited a former resident back to mentor",
    "peerlog.check_in_ask": "Asked for a check-in in {object}",
    "peerlog.entry_ack": "Acknowledged {object}",
    "peerlog.entry_add": "Wrote {object}",
    "peerlog.mentor_ask": "Asked for a mentor",
    "peerlog.mentor_request_declined": "Declined a request for a mentor",
    "peerlog.mentor_request_withdrawn": "Withdrew their request for a mentor",
    "peerlog.pairing_create": "Paired a mentor and a mentee: {object}",
    "peerlog.pairing_end": "Ended a mentoring pair: {object}",
    "peerlog.read": "Read {object}",
    "peerlog.reply_add": "Replied to {object}",
    "peerlog.settings": "Changed the mentoring settings",
    "report.disclose": "Downloaded the monthly report with residents' rows",
    "report.download": "Downloaded the monthly report (figures only, no residents)",
    "report.export_request": "Asked for a monthly report file",
    "report.residents_view": "Viewed the monthly report with residents' rows",
    "resident.admit": "Admitted {name}",
    "resident.discharge": "Ended the stay of {name}",
    "resident.preferences": "Changed what {name} shares with housemates",
    "resident.readmit": "Welcomed {name} back for a new stay",
    "resident.search": "Searched for residents by name",
    "resident.sobriety_date": "Changed the sobriety date in {object}",
    "resident.stay_update": "Changed the room or dates of the stay of {name}",
    "resident.transfer": "Moved {name} to another house",
    "resident.update": "Changed {object}",
    "resident.view": "Viewed {object}",
    "rules.publish": "Published new house rules",
    "rules.sign": "Signed the house rules",
}

# How a thing is spoken of: as the object of an action, and when the reader may not see it.
# Types no app names (a chore, a calendar link) are spoken of by what they are.
PHRASES: dict[str, tuple[str, str, str]] = {
    # type: (phrase around the name, the phrase when unseen, the bare name when unseen)
    "residents.resident": (
        "{name}'s record",
        "a record in another house",
        "someone in another house",
    ),
    "soberhouse.user": (
        "{name}'s account",
        "an account in another house",
        "someone in another house",
    ),
    "residents.house": ("{name}", "another house", "another house"),
    "residents.invitation": ("{name}", "an invitation to another house", "an invitation"),
    "peerlog.pairing": ("the peer log of {name}", "a peer log that stays with the pair", "a pair"),
    "peerlog.entry": ("{name}", "an entry of a peer log that stays with the pair", "an entry"),
    "meetings.meeting": ("{name}", "a house meeting in another house", "a house meeting"),
    "meetings.motion": ("{name}", "a motion in another house", "a motion"),
}
NOUNS: dict[str, str] = {
    "chores.assignment": "a chore",
    "chores.choresettings": "a house's chore settings",
    "meetings.agendaitem": "an agenda item",
    "meetings.calendarfeed": "a calendar link",
    "meetings.meetingsettings": "a house's meeting settings",
    "meetings.officerterm": "a house officer's term",
    "meetings.outsidemeeting": "an outside meeting",
    "peerlog.alumnimentor": "a former resident who mentors",
    "peerlog.mentoringsettings": "a house's mentoring settings",
    "peerlog.mentorrequest": "a request for a mentor",
    "reports.exportjob": "a monthly report file",
    "residents.houserules": "a house's rules",
    "residents.rulessignature": "a signature of the house rules",
    "soberhouse.notification": "a notification",
    "soberhouse.notificationpreference": "a notification setting",
}
SOMETHING = "a record in another house"
TYPE_WORDS: dict[str, str] = {
    "residents.resident": "Residents' records",
    "soberhouse.user": "Accounts",
    "residents.house": "Houses",
    "residents.invitation": "Invitations",
    "peerlog.pairing": "Peer logs",
    "peerlog.entry": "Peer log entries",
    "meetings.meeting": "House meetings",
    "meetings.motion": "Motions",
}

# What the keys of ``changes`` are, in words, and which of them name a thing (a resident by id, a
# house by id or slug). A key that holds a list of things says so; any other two-item list is a
# change from one value to another.
FIELDS: dict[str, tuple[str, str | None, bool]] = {
    "resident": ("Resident", "residents.resident", False),
    "residents": ("Residents", "residents.resident", True),
    "found": ("Found", "residents.resident", True),
    "mentor": ("Mentor", "residents.resident", False),
    "mentee": ("Mentee", "residents.resident", False),
    "coordinator": ("Chore coordinator", "residents.resident", False),
    "house": ("House", "residents.house", False),
    "houses": ("Houses", "residents.house", True),
    "from": ("From", "residents.house", False),
    "to": ("To", "residents.house", False),
    "pairing": ("Peer log", "peerlog.pairing", False),
    "fields": ("Fields changed", None, True),
    # The filters of an export of the trail itself.
    "actor": ("Who (filter)", None, False),
    "action": ("What (filter)", "@action", False),
    "object_type": ("Kind of thing (filter)", "@type", False),
    "object_id": ("Record number (filter)", None, False),
    "since": ("From", None, False),
    "abstain": ("Abstained", None, False),
    "bed": ("Room or bed", None, False),
    "characters": ("Length in characters", None, False),
    "date_of_birth": ("Date of birth", None, False),
    "day": ("Day", None, False),
    "discussed": ("Discussed", None, False),
    "emergency_contacts": ("Emergency contacts", None, False),
    "entries": ("Entries shown", None, False),
    "expected_move_out": ("Expected move-out", None, False),
    "fellowship": ("Fellowship", None, False),
    "format": ("File", None, False),
    "kind": ("Kind", None, False),
    "legal_name": ("Legal name", None, False),
    "minutes": ("Minutes", None, False),
    "month": ("Month", None, False),
    "move_in": ("Move-in", None, False),
    "move_out": ("Move-out", None, False),
    "new": ("New chores", None, False),
    "no": ("Against", None, False),
    "on": ("On", None, False),
    "phone": ("Phone", None, False),
    "preferred_name": ("Preferred name", None, False),
    "recorded_for": ("Recorded for them by the manager", None, False),
    "rows": ("Rows", None, False),
    "share_milestones": ("Shows milestones to housemates", None, False),
    "share_phone": ("Shows phone number to housemates", None, False),
    "sobriety_date": ("Sobriety date", None, False),
    "sponsor_name": ("Sponsor", None, False),
    "sponsor_phone": ("Sponsor's phone", None, False),
    "type": ("Kind", None, False),
    "until": ("Until", None, False),
    "version": ("Version", None, False),
    "yes": ("In favour", None, False),
}
_FIELD_ORDER = {field: (0, f"{index:03}") for index, field in enumerate(FIELDS)}
SHOWN_IN_A_LIST = 12  # names of a list shown on the page before "and N more"

# object type -> a function (reader, ids) -> {id: name} for the ids the reader may see.
Namer = Callable[[User, set[str]], dict[str, str]]
_NAMERS: dict[str, Namer] = {}


def names_register(object_type: str, namer: Namer) -> None:
    """An app tells the trail how to name its things, through its own access rules: the namer
    gets the reader and a set of ids (as text) and answers the names of those the reader may
    see, in one query. Registering a type again replaces it."""
    _NAMERS[object_type] = namer


@dataclass(frozen=True)
class Detail:
    words: str
    value: str


@dataclass(frozen=True)
class Line:
    """One event as its reader sees it."""

    event: AuditEvent
    what: str
    object: str
    details: list[Detail]


def describe(
    events: Iterable[AuditEvent], reader: User, *, whole_lists: bool = False
) -> list[Line]:
    """The events in words, naming only what ``reader`` may see: one query per kind of thing
    named, however many events there are."""
    events = list(events)
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.object_type and event.object_id:
            wanted[event.object_type].add(event.object_id)
        for key, value in (event.changes or {}).items():
            kind = FIELDS.get(key, ("", None, False))[1]
            if kind:
                wanted[kind].update(str(item) for item in _flat(value) if item not in (None, ""))
    names = {
        kind: _NAMERS[kind](reader, ids) for kind, ids in wanted.items() if kind in _NAMERS and ids
    }
    return [_line(event, names, whole_lists=whole_lists) for event in events]


def label(action: str) -> str:
    """The words for an action, with its placeholders still in."""
    return LABELS.get(action, "Something else (" + action + ")")


def words(action: str) -> str:
    """The words for an action that name nothing: "Viewed a record", "Admitted someone"."""
    return label(action).format(object="a record", name="someone")


def action_choices(actions: Iterable[str]) -> list[tuple[str, str]]:
    """(action, words) for a filter, in the order of the words."""
    return sorted(
        ((action, label(action).format(object="…", name="…")) for action in set(actions)),
        key=lambda pair: pair[1].lower(),
    )


def type_choices() -> list[tuple[str, str]]:
    """(object type, words) for a filter: every kind of thing the trail speaks of."""
    kinds = {kind: _type_words(kind) for kind in [*PHRASES, *NOUNS]}
    return sorted(kinds.items(), key=lambda pair: pair[1].lower())


def _type_words(kind: str) -> str:
    if kind in TYPE_WORDS:
        return TYPE_WORDS[kind]
    noun = NOUNS.get(kind, kind)
    return noun.split(" ", 1)[1].capitalize() if " " in noun else noun


def _line(event: AuditEvent, names: dict[str, dict[str, str]], *, whole_lists: bool) -> Line:
    kind, key = event.object_type, event.object_id
    if not kind:
        phrase = name = ""
    elif kind in PHRASES:
        around, unseen, unseen_name = PHRASES[kind]
        found = names.get(kind, {}).get(key)
        phrase = around.format(name=found) if found else unseen
        name = found or unseen_name
    else:
        phrase = name = NOUNS.get(kind, SOMETHING)
    what = label(event.action).format(object=phrase or "something", name=name or "someone")
    # PostgreSQL keeps a JSON object's keys in its own order: say them in the order of FIELDS.
    changes = sorted(
        (event.changes or {}).items(), key=lambda item: _FIELD_ORDER.get(item[0], (1, item[0]))
    )
    details = [
        Detail(_field_words(field), _value_words(field, value, names, whole_lists=whole_lists))
        for field, value in changes
    ]
    return Line(event=event, what=what, object=phrase, details=details)


def _field_words(field: str) -> str:
    if field in FIELDS:
        return FIELDS[field][0]
    return field.replace("_", " ").capitalize()


def _value_words(field, value, names, *, whole_lists: bool) -> str:
    _, kind, many = FIELDS.get(field, ("", None, False))
    if many and isinstance(value, list):
        said = [_one(kind, item, names) for item in value]
        if not said:
            return "none"
        if not whole_lists and len(said) > SHOWN_IN_A_LIST:
            rest = len(said) - SHOWN_IN_A_LIST
            return ", ".join(said[:SHOWN_IN_A_LIST]) + f" and {rest} more"
        return ", ".join(said)
    if isinstance(value, list) and len(value) == 2:
        return f"{_one(kind, value[0], names)} → {_one(kind, value[1], names)}"
    if isinstance(value, list):
        return ", ".join(_one(kind, item, names) for item in value) or "none"
    return _one(kind, value, names)


def _one(kind: str | None, value: Any, names) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "@action":
        return label(str(value)).format(object="…", name="…")
    if kind == "@type":
        return _type_words(str(value))
    if kind:
        return names.get(kind, {}).get(str(value)) or PHRASES.get(kind, ("", "", SOMETHING))[2]
    if isinstance(value, str):
        return _date_words(value)
    return str(value)


def _date_words(text: str) -> str:
    """An ISO day or month as people write it; other text as it is."""
    try:
        if len(text) == 7:
            return dt.date.fromisoformat(text + "-01").strftime("%B %Y")
        if len(text) == 10:
            return dt.date.fromisoformat(text).strftime("%-d %B %Y")
    except ValueError:
        pass
    return text


def _flat(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]
