"""Every URL × every persona → the status they get. Later features add their rows here.

Rows name a URL template whose ``{placeholders}`` are filled from the personas' own objects, and the
expected status for each persona, in the order of PERSONAS. 404 is the answer for anything a person
may not see (never 403), so ids cannot be probed; 302 to the sign-in page for the anonymous.
"""

from __future__ import annotations

import pytest

from residents.invitations import invitation_create, invitation_token
from residents.models import Invitation
from soberhouse.mail import unsubscribe_token

PERSONAS = [
    "anonymous",
    "resident_harbor",
    "resident_cedar",
    "manager_harbor",
    "manager_cedar",
    "staff",
]
LOGIN = "login"  # a redirect to the sign-in page


class _ChoreURL(str):
    """A URL template with chore placeholders ({assignment}, {done_assignment}, {swap},
    {my_swap}), filled from ``_chore_objects``. ``test_every_url_is_in_the_matrix`` passes only
    the personas' sample ids, so any chore id it leaves out is 1 there: only the route matters
    to it."""

    def format(self, /, *args, **kwargs):
        return str.format(
            self,
            *args,
            **{"assignment": 1, "done_assignment": 1, "swap": 1, "my_swap": 1, **kwargs},
        )


class _MeetingURL(str):
    """A URL template with house meeting placeholders ({meeting}, {agenda_item}, {motion}),
    filled from ``_meeting_objects`` (1 in ``test_every_url_is_in_the_matrix``)."""

    def format(self, /, *args, **kwargs):
        return str.format(self, *args, **{"meeting": 1, "agenda_item": 1, "motion": 1, **kwargs})


class _OutsideURL(str):
    """A URL template with an {outside_meeting} placeholder: resident_harbor's meeting logged
    this week, from ``_outside_objects`` (1 in ``test_every_url_is_in_the_matrix``)."""

    def format(self, /, *args, **kwargs):
        return str.format(self, *args, **{"outside_meeting": 1, **kwargs})


class _MentoringURL(str):
    """A URL template with peer mentoring placeholders ({pairing}, {mentor_request}), filled from
    ``_mentoring_objects`` (1 in ``test_every_url_is_in_the_matrix``)."""

    def format(self, /, *args, **kwargs):
        return str.format(self, *args, **{"pairing": 1, "mentor_request": 1, **kwargs})


class _PeerURL(str):
    """A URL template with the pair's placeholders ({peer_pairing}, {peer_entry}): resident_harbor's
    pairing with a senior housemate as mentor and the mentor's entry, from ``_peer_objects`` (1 in
    ``test_every_url_is_in_the_matrix``)."""

    def format(self, /, *args, **kwargs):
        return str.format(self, *args, **{"peer_pairing": 1, "peer_entry": 1, **kwargs})


class _NotificationURL(str):
    """A URL template with a {notification} placeholder: an in-app notification sent to
    resident_harbor, and {unsubscribe}: the signed token of resident_harbor's emails of its
    kind, from ``_notification_objects`` (1 and "t" in ``test_every_url_is_in_the_matrix``)."""

    def format(self, /, *args, **kwargs):
        return str.format(self, *args, **{"notification": 1, "unsubscribe": "t", **kwargs})


class _ReportURL(str):
    """A URL template with report export placeholders: {harbor_export}, a finished export
    manager_harbor asked for, and {monthly_export}, the system's monthly one, from
    ``_report_objects`` (1 in ``test_every_url_is_in_the_matrix``)."""

    def format(self, /, *args, **kwargs):
        return str.format(self, *args, **{"harbor_export": 1, "monthly_export": 1, **kwargs})


# (method, url template, expected status per persona in PERSONAS order)
MATRIX = [
    ("get", "/", [LOGIN, 302, 302, 302, 302, 302]),
    ("get", "/today/", [LOGIN, 200, 200, 404, 404, 404]),
    ("get", "/houses/", [LOGIN, 404, 404, 200, 200, 200]),
    ("get", "/houses/harbor/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/houses/cedar/", [LOGIN, 404, 404, 404, 200, 200]),
    ("get", "/houses/nowhere/", [LOGIN, 404, 404, 404, 404, 404]),
    ("get", "/houses/harbor/invite/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/houses/harbor/invitations/{invitation}/revoke/", [LOGIN, 404, 404, 302, 404, 302]),
    ("get", "/residents/{resident_harbor}/", [LOGIN, 200, 404, 200, 404, 200]),
    ("get", "/residents/{resident_cedar}/", [LOGIN, 404, 200, 404, 200, 200]),
    ("get", "/residents/999999/", [LOGIN, 404, 404, 404, 404, 404]),
    ("get", "/residents/?q=a", [LOGIN, 404, 404, 200, 200, 200]),
    ("post", "/residents/", [LOGIN, 404, 404, 200, 200, 200]),  # a search: the words are posted
    ("get", "/houses/harbor/admit/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/houses/harbor/admit/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/houses/cedar/admit/", [LOGIN, 404, 404, 404, 200, 200]),
    ("get", "/residents/{resident_harbor}/edit/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/residents/{resident_harbor}/edit/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/residents/{resident_cedar}/edit/", [LOGIN, 404, 404, 404, 200, 200]),
    ("get", "/residents/{resident_harbor}/discharge/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/residents/{resident_harbor}/discharge/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/residents/{resident_harbor}/stay/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/residents/{resident_harbor}/stay/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/residents/{resident_harbor}/transfer/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/residents/{resident_harbor}/readmit/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/residents/{resident_harbor}/sobriety-date/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/residents/{resident_harbor}/transfer/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/residents/{resident_harbor}/readmit/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/residents/{resident_harbor}/sobriety-date/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/houses/harbor/rules/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/houses/harbor/rules/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/rules/", [LOGIN, 200, 200, 404, 404, 404]),
    ("post", "/rules/", [LOGIN, 200, 200, 404, 404, 404]),
    ("post", "/me/", [LOGIN, 302, 302, 404, 404, 404]),  # every box unticked is a change too
    ("get", "/directory/", [LOGIN, 200, 200, 404, 404, 404]),
    ("get", "/me/", [LOGIN, 200, 200, 200, 200, 200]),
    ("get", "/me/data/", [LOGIN, 200, 200, 200, 200, 200]),
    ("get", "/audit/", [LOGIN, 404, 404, 404, 404, 200]),
    ("post", "/audit/", [LOGIN, 404, 404, 404, 404, 200]),  # the filters are posted
    ("post", "/audit/export/", [LOGIN, 404, 404, 404, 404, 200]),  # a CSV of the filtered span
    ("get", "/audit/export/", [LOGIN, 404, 404, 404, 404, 405]),
    ("get", "/invite/{token}/", [200, 200, 200, 200, 200, 200]),
    ("get", "/healthz", [200, 200, 200, 200, 200, 200]),
    ("get", "/accounts/login/", [200, 302, 302, 302, 302, 302]),
    ("get", "/accounts/signup/", [200, 302, 302, 302, 302, 302]),
    ("get", "/accounts/2fa/", [LOGIN, 200, 200, 200, 200, 200]),
    ("get", "/admin/", [302, 302, 302, 302, 302, 302]),
    ("get", "/chores/", [LOGIN, 200, 200, 404, 404, 404]),
    ("get", "/chores/checks/", [LOGIN, 200, 200, 200, 200, 200]),
    ("post", _ChoreURL("/chores/{assignment}/done/"), [LOGIN, 302, 404, 404, 404, 404]),
    ("post", _ChoreURL("/chores/{assignment}/undo/"), [LOGIN, 302, 404, 404, 404, 404]),
    ("get", _ChoreURL("/chores/{assignment}/swap/"), [LOGIN, 200, 404, 404, 404, 404]),
    ("post", _ChoreURL("/chores/{assignment}/swap/"), [LOGIN, 200, 404, 404, 404, 404]),
    ("get", _ChoreURL("/chores/{done_assignment}/check/"), [LOGIN, 404, 404, 200, 404, 200]),
    ("post", _ChoreURL("/chores/{done_assignment}/check/"), [LOGIN, 404, 404, 200, 404, 200]),
    ("get", _ChoreURL("/chores/swaps/{swap}/"), [LOGIN, 200, 404, 404, 404, 404]),
    ("post", _ChoreURL("/chores/swaps/{swap}/"), [LOGIN, 200, 404, 404, 404, 404]),
    # Only the asker may withdraw: the person asked gets 404 as anybody else does.
    ("post", _ChoreURL("/chores/swaps/{swap}/withdraw/"), [LOGIN, 404, 404, 404, 404, 404]),
    ("post", _ChoreURL("/chores/swaps/{my_swap}/withdraw/"), [LOGIN, 302, 404, 404, 404, 404]),
    # Chores, the manager's side (the chore coordinator's access is in tests/chores/)
    ("get", "/houses/harbor/chores/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/houses/harbor/chores/", [LOGIN, 404, 404, 200, 404, 200]),  # nothing given
    ("get", "/houses/cedar/chores/", [LOGIN, 404, 404, 404, 200, 200]),
    ("get", "/houses/harbor/chores/new/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/houses/harbor/chores/new/", [LOGIN, 404, 404, 200, 404, 200]),  # nothing given
    ("get", "/houses/harbor/chores/999999/", [LOGIN, 404, 404, 404, 404, 404]),
    ("get", "/houses/harbor/chores/rotation/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/houses/harbor/chores/rotation/", [LOGIN, 404, 404, 302, 404, 302]),
    # A pin with nothing chosen is explained on the preview page.
    (
        "post",
        _ChoreURL("/houses/harbor/chores/assignments/{assignment}/"),
        [LOGIN, 404, 404, 200, 404, 200],
    ),
    (
        "post",
        _ChoreURL("/houses/cedar/chores/assignments/{assignment}/"),
        [LOGIN, 404, 404, 404, 404, 404],
    ),
    ("get", "/houses/harbor/chores/history/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/houses/cedar/chores/history/?start=x", [LOGIN, 404, 404, 404, 200, 200]),
    ("get", "/houses/harbor/chores/chart/", [LOGIN, 200, 404, 200, 404, 200]),
    ("get", "/houses/cedar/chores/chart/?week=2026-12-07", [LOGIN, 404, 200, 404, 200, 200]),
    # A house's meeting records
    ("get", "/houses/harbor/decisions/?q=quiet", [LOGIN, 200, 404, 200, 404, 200]),
    ("get", "/houses/cedar/decisions/", [LOGIN, 404, 200, 404, 200, 200]),
    ("get", "/houses/harbor/officers/", [LOGIN, 200, 404, 200, 404, 200]),
    ("post", "/houses/harbor/officers/999999/end/", [LOGIN, 404, 404, 404, 404, 404]),
    ("get", "/houses/harbor/meetings/settings/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/houses/harbor/meetings/settings/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/houses/cedar/meetings/settings/", [LOGIN, 404, 404, 404, 200, 200]),
    # House meetings: harbor's meeting under way, resident_harbor present, a motion being voted on.
    # Writes with nothing given are explained on the page (200) or after a redirect (302).
    ("get", "/meetings/", [LOGIN, 302, 302, 404, 404, 404]),
    ("get", "/houses/harbor/meetings/", [LOGIN, 200, 404, 200, 404, 200]),
    ("get", "/houses/cedar/meetings/?page=x", [LOGIN, 404, 200, 404, 200, 200]),
    ("get", _MeetingURL("/meetings/{meeting}/"), [LOGIN, 200, 404, 200, 404, 200]),
    ("get", "/meetings/999999/", [LOGIN, 404, 404, 404, 404, 404]),
    ("post", _MeetingURL("/meetings/{meeting}/agenda/"), [LOGIN, 200, 404, 200, 404, 200]),
    ("post", _MeetingURL("/meetings/agenda/{agenda_item}/"), [LOGIN, 404, 404, 302, 404, 302]),
    ("post", _MeetingURL("/meetings/{meeting}/attendance/"), [LOGIN, 404, 404, 302, 404, 302]),
    ("post", _MeetingURL("/meetings/{meeting}/minutes/"), [LOGIN, 404, 404, 200, 404, 200]),
    ("post", _MeetingURL("/meetings/{meeting}/motions/"), [LOGIN, 404, 404, 200, 404, 200]),
    ("post", _MeetingURL("/meetings/{meeting}/edit/"), [LOGIN, 404, 404, 200, 404, 200]),
    ("post", _MeetingURL("/meetings/{meeting}/cancel/"), [LOGIN, 404, 404, 200, 404, 200]),
    ("post", _MeetingURL("/meetings/{meeting}/close/"), [LOGIN, 404, 404, 302, 404, 302]),
    ("get", _MeetingURL("/meetings/{meeting}/close/"), [405] * 6),
    ("post", _MeetingURL("/meetings/motions/{motion}/open/"), [LOGIN, 404, 404, 302, 404, 302]),
    ("post", _MeetingURL("/meetings/motions/{motion}/record/"), [LOGIN, 404, 404, 302, 404, 302]),
    ("post", _MeetingURL("/meetings/motions/{motion}/close/"), [LOGIN, 404, 404, 302, 404, 302]),
    (
        "post",
        _MeetingURL("/meetings/motions/{motion}/withdraw/"),
        [LOGIN, 404, 404, 302, 404, 302],
    ),
    ("post", _MeetingURL("/meetings/motions/{motion}/vote/"), [LOGIN, 302, 404, 404, 404, 404]),
    # Outside meetings
    ("get", "/meetings/outside/", [LOGIN, 200, 200, 404, 404, 404]),
    ("post", "/meetings/outside/", [LOGIN, 200, 200, 404, 404, 404]),  # nothing given: explained
    (
        "post",
        _OutsideURL("/meetings/outside/{outside_meeting}/delete/"),
        [LOGIN, 302, 404, 404, 404, 404],
    ),
    ("get", _OutsideURL("/meetings/outside/{outside_meeting}/delete/"), [405] * 6),
    (
        "post",
        _OutsideURL("/meetings/outside/{outside_meeting}/verify/"),
        [LOGIN, 404, 404, 302, 404, 302],
    ),
    ("get", _OutsideURL("/meetings/outside/{outside_meeting}/verify/"), [405] * 6),
    ("post", "/meetings/outside/999999/verify/", [LOGIN, 404, 404, 404, 404, 404]),
    ("get", "/houses/harbor/outside-meetings/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/houses/cedar/outside-meetings/?week=x", [LOGIN, 404, 404, 404, 200, 200]),
    ("get", "/houses/nowhere/outside-meetings/", [LOGIN, 404, 404, 404, 404, 404]),
    ("post", "/houses/harbor/outside-meetings/", [405] * 6),
    # Peer mentoring, the pair's pages
    # The pair and only the pair write; the house's managers read the log (audited); staff read
    # no entries. Writes with nothing given are explained on the page (200).
    ("get", "/peerlog/", [LOGIN, 200, 200, 404, 404, 404]),
    ("post", "/peerlog/ask/", [LOGIN, 302, 302, 404, 404, 404]),
    ("get", "/peerlog/ask/", [405] * 6),
    ("post", "/peerlog/ask/withdraw/", [LOGIN, 302, 302, 404, 404, 404]),
    ("get", "/peerlog/ask/withdraw/", [405] * 6),
    ("get", _PeerURL("/peerlog/pairs/{peer_pairing}/"), [LOGIN, 200, 404, 200, 404, 404]),
    ("post", _PeerURL("/peerlog/pairs/{peer_pairing}/"), [405] * 6),
    ("post", _PeerURL("/peerlog/pairs/{peer_pairing}/ask/"), [LOGIN, 302, 404, 404, 404, 404]),
    ("get", _PeerURL("/peerlog/pairs/{peer_pairing}/ask/"), [405] * 6),
    ("get", _PeerURL("/peerlog/pairs/{peer_pairing}/log/"), [LOGIN, 200, 404, 404, 404, 404]),
    ("post", _PeerURL("/peerlog/pairs/{peer_pairing}/log/"), [LOGIN, 200, 404, 404, 404, 404]),
    ("post", _PeerURL("/peerlog/entries/{peer_entry}/ack/"), [LOGIN, 302, 404, 404, 404, 404]),
    ("get", _PeerURL("/peerlog/entries/{peer_entry}/ack/"), [405] * 6),
    ("post", _PeerURL("/peerlog/entries/{peer_entry}/reply/"), [LOGIN, 200, 404, 404, 404, 404]),
    ("get", _PeerURL("/peerlog/entries/{peer_entry}/reply/"), [405] * 6),
    # Peer mentoring, the manager's pages
    # Writes with nothing given are explained on the page (200); "Not now" answers with a redirect.
    ("get", "/houses/harbor/mentoring/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/houses/harbor/mentoring/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/houses/cedar/mentoring/", [LOGIN, 404, 404, 404, 200, 200]),
    ("get", "/houses/nowhere/mentoring/", [LOGIN, 404, 404, 404, 404, 404]),
    (
        "post",
        _MentoringURL("/houses/harbor/mentoring/requests/{mentor_request}/decline/"),
        [LOGIN, 404, 404, 302, 404, 302],
    ),
    (
        "post",
        _MentoringURL("/houses/cedar/mentoring/requests/{mentor_request}/decline/"),
        [LOGIN, 404, 404, 404, 404, 404],
    ),
    (
        "get",
        _MentoringURL("/houses/harbor/mentoring/requests/{mentor_request}/decline/"),
        [405] * 6,
    ),
    (
        "post",
        _MentoringURL("/houses/harbor/mentoring/pairs/{pairing}/end/"),
        [LOGIN, 404, 404, 200, 404, 200],
    ),
    (
        "post",
        _MentoringURL("/houses/cedar/mentoring/pairs/{pairing}/end/"),
        [LOGIN, 404, 404, 404, 404, 404],
    ),
    ("get", _MentoringURL("/houses/harbor/mentoring/pairs/{pairing}/end/"), [405] * 6),
    ("get", "/houses/harbor/mentoring/settings/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/houses/harbor/mentoring/settings/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/houses/cedar/mentoring/settings/", [LOGIN, 404, 404, 404, 200, 200]),
    ("post", "/houses/harbor/mentoring/alumni/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/houses/cedar/mentoring/alumni/", [LOGIN, 404, 404, 404, 200, 200]),
    ("get", "/houses/harbor/mentoring/alumni/", [405] * 6),
    # Notifications: the in-app list and preferences
    ("get", "/notifications/", [LOGIN, 200, 200, 200, 200, 200]),  # one's own list
    ("get", "/notifications/?page=2", [LOGIN, 200, 200, 200, 200, 200]),
    ("post", "/notifications/read/", [LOGIN, 302, 302, 302, 302, 302]),  # one's own
    ("get", "/notifications/read/", [LOGIN, 405, 405, 405, 405, 405]),
    (
        "post",
        _NotificationURL("/notifications/{notification}/open/"),
        [LOGIN, 302, 404, 404, 404, 404],
    ),
    (
        "get",
        _NotificationURL("/notifications/{notification}/open/"),
        [LOGIN, 405, 405, 405, 405, 405],
    ),
    ("get", "/notifications/preferences/", [LOGIN, 200, 200, 200, 200, 200]),
    # An email's unsubscribe link: no sign-in, the signed token names the person and the kind.
    # A GET asks to confirm; a POST without RFC 8058's "List-Unsubscribe=One-Click" is refused.
    (
        "get",
        _NotificationURL("/notifications/unsubscribe/{unsubscribe}/"),
        [200, 200, 200, 200, 200, 200],
    ),
    (
        "post",
        _NotificationURL("/notifications/unsubscribe/{unsubscribe}/"),
        [400, 400, 400, 400, 400, 400],
    ),
    ("get", "/notifications/unsubscribe/not-signed-by-us/", [404, 404, 404, 404, 404, 404]),
    ("post", "/notifications/unsubscribe/not-signed-by-us/", [404, 404, 404, 404, 404, 404]),
    # Notifications: the staff's operations page
    ("get", "/notifications/operations/?days=30", [LOGIN, 404, 404, 404, 404, 200]),
    ("post", "/notifications/operations/999999/retry/", [LOGIN, 404, 404, 404, 404, 404]),
    # The monthly report: managers see their houses, staff every house; an export is its
    # asker's alone (a staff member gets 404 on a manager's), the system's monthly one staff's
    ("get", "/reports/", [LOGIN, 404, 404, 200, 200, 200]),
    ("get", "/reports/?house=harbor", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/reports/?house=cedar&residents=on", [LOGIN, 404, 404, 404, 200, 200]),
    ("get", "/reports/exports/", [LOGIN, 404, 404, 200, 200, 200]),
    ("post", "/reports/exports/new/", [LOGIN, 404, 404, 302, 302, 302]),  # nothing given
    ("get", "/reports/exports/new/", [405] * 6),
    ("get", _ReportURL("/reports/exports/{harbor_export}/"), [LOGIN, 404, 404, 200, 404, 404]),
    (
        "get",
        _ReportURL("/reports/exports/{harbor_export}/progress/"),
        [LOGIN, 404, 404, 200, 404, 404],
    ),
    (
        "get",
        _ReportURL("/reports/exports/{harbor_export}/download/"),
        [LOGIN, 404, 404, 200, 404, 404],
    ),
    ("get", _ReportURL("/reports/exports/{monthly_export}/"), [LOGIN, 404, 404, 404, 404, 200]),
    (
        "get",
        _ReportURL("/reports/exports/{monthly_export}/download/"),
        [LOGIN, 404, 404, 404, 404, 200],
    ),
    # Calendar feeds
    ("post", "/me/calendar/", [LOGIN, 302, 302, 302, 302, 302]),  # makes one's own address
    ("get", "/calendar/not-a-calendar-token.ics", [404, 404, 404, 404, 404, 404]),
]

CASES = [
    pytest.param(method, url, persona, expected[index], id=f"{method} {url} as {persona}")
    for method, url, expected in MATRIX
    for index, persona in enumerate(PERSONAS)
]


@pytest.fixture
def objects(everyone, harbor, manager_harbor, resident_harbor, resident_cedar):
    invitation = invitation_create(
        house=harbor,
        email="new.person@example.test",
        role=Invitation.Role.RESIDENT,
        by=manager_harbor,
    )
    return {
        "resident_harbor": resident_harbor.pk,
        "resident_cedar": resident_cedar.pk,
        "invitation": invitation.pk,
        "token": invitation_token(invitation),
    }


@pytest.fixture(autouse=True)
def _chore_objects(request):
    """The chore rows' objects, added to ``objects`` where a test uses it: an open chore of
    resident_harbor's, one they ticked done for the manager to check, a housemate's request
    that resident_harbor take one of theirs, and resident_harbor's own request of them."""
    if "objects" not in request.fixturenames:
        return
    from chores import services
    from chores.models import Assignment, Chore
    from chores.schedule import due_at
    from tests.factories import make_resident

    objects = request.getfixturevalue("objects")
    harbor = request.getfixturevalue("harbor")
    resident = request.getfixturevalue("resident_harbor")
    housemate = make_resident(harbor)
    today = harbor.today()

    def assignment(name: str, who) -> Assignment:
        chore = Chore.objects.create(house=harbor, name=name, checker=Chore.Checker.MANAGER)
        return Assignment.objects.create(
            chore=chore,
            house=harbor,
            day=today,
            due_at=due_at(today, chore.due_time, harbor.time_zone),
            resident=who,
            points=chore.points,
        )

    done = assignment("Porch", resident)
    services.chore_mark_done(assignment=done, by=resident)
    swap = services.swap_ask(assignment=assignment("Bins", housemate), by=housemate, of=resident)
    my_swap = services.swap_ask(assignment=assignment("Yard", resident), by=resident, of=housemate)
    objects.update(
        assignment=assignment("Kitchen", resident).pk,
        done_assignment=done.pk,
        swap=swap.pk,
        my_swap=my_swap.pk,
    )


@pytest.fixture(autouse=True)
def _meeting_objects(request):
    """The house meeting rows' objects, added to ``objects`` where a test uses it: harbor's
    meeting that started ten minutes ago with an item on its agenda, resident_harbor marked
    present, and a seconded motion whose vote is open."""
    if "objects" not in request.fixturenames:
        return
    import datetime as dt

    from django.utils import timezone

    from meetings import services
    from meetings.models import AgendaItem, Meeting
    from tests.factories import make_resident

    objects = request.getfixturevalue("objects")
    harbor = request.getfixturevalue("harbor")
    resident = request.getfixturevalue("resident_harbor")
    seconder = make_resident(harbor)
    meeting = Meeting.objects.create(
        house=harbor,
        starts_at=timezone.now() - dt.timedelta(minutes=10),
        place="The living room",
    )
    item = AgendaItem.objects.create(meeting=meeting, kind=AgendaItem.Kind.ADDED, text="Garden")
    services.attendance_mark(meeting=meeting, resident=resident, status="present", by=None)
    motion = services.motion_propose(
        house=harbor,
        meeting=meeting,
        text="A garden rota",
        mover=resident,
        seconder=seconder,
        by=None,
    )
    services.motion_open_vote(motion=motion, meeting=meeting, by=None)
    objects.update(meeting=meeting.pk, agenda_item=item.pk, motion=motion.pk)


@pytest.fixture(autouse=True)
def _outside_objects(request):
    """The outside meeting rows' object, added to ``objects`` where a test uses it: a meeting
    resident_harbor logged today."""
    if "objects" not in request.fixturenames:
        return
    from meetings.outside import outside_meeting_log
    from residents.models import Stay

    objects = request.getfixturevalue("objects")
    resident = request.getfixturevalue("resident_harbor")
    stay = Stay.objects.current().select_related("house", "resident__user").get(resident=resident)
    meeting = outside_meeting_log(
        stay=stay, day=stay.house.today(), name="Sunrise Group", fellowship="aa"
    )
    objects.update(outside_meeting=meeting.pk)


@pytest.fixture(autouse=True)
def _mentoring_objects(request):
    """The peer mentoring rows' objects, added to ``objects`` where a test uses it: a pairing in
    harbor with resident_harbor as the mentee, and a housemate's request for a mentor."""
    if "objects" not in request.fixturenames:
        return
    import datetime as dt

    from peerlog import services
    from tests.factories import make_resident

    objects = request.getfixturevalue("objects")
    harbor = request.getfixturevalue("harbor")
    manager = request.getfixturevalue("manager_harbor")
    mentee = request.getfixturevalue("resident_harbor")
    mentor = make_resident(harbor)
    mentor.sobriety_date = harbor.today() - dt.timedelta(days=400)
    mentor.save()
    pairing = services.pairing_create(house=harbor, mentor=mentor, mentee=mentee, by=manager)
    asked = services.mentor_ask(resident=make_resident(harbor), house=harbor)
    objects.update(pairing=pairing.pk, mentor_request=asked.pk)


@pytest.fixture(autouse=True)
def _peer_objects(request):
    """The pair's rows' objects, added to ``objects`` where a test uses it: a pairing in harbor
    with resident_harbor as the mentee (a new senior housemate mentors them, unless another
    fixture paired them already: a mentee has one mentor), and an entry by the mentor."""
    if "objects" not in request.fixturenames:
        return
    import datetime as dt

    from django.utils import timezone

    from peerlog import services
    from peerlog.models import Pairing
    from tests.factories import make_resident

    objects = request.getfixturevalue("objects")
    harbor = request.getfixturevalue("harbor")
    mentee = request.getfixturevalue("resident_harbor")
    pairing = Pairing.objects.filter(mentee=mentee, ends_on__isnull=True).first()
    if pairing is None:
        mentor = make_resident(harbor)
        mentor.sobriety_date = harbor.today() - dt.timedelta(days=400)
        mentor.save()
        pairing = services.pairing_create(
            house=harbor, mentor=mentor, mentee=mentee, by=request.getfixturevalue("manager_harbor")
        )
    entry = services.entry_add(
        pairing=pairing, author=pairing.mentor, at=timezone.now(), minutes=20
    )
    objects.update(peer_pairing=pairing.pk, peer_entry=entry.pk)


@pytest.fixture(autouse=True)
def _notification_objects(request):
    """The notification rows' object, added to ``objects`` where a test uses it: an in-app
    notification sent to resident_harbor."""
    if "objects" not in request.fixturenames:
        return
    from django.utils import timezone

    from soberhouse.models import Notification

    objects = request.getfixturevalue("objects")
    resident = request.getfixturevalue("resident_harbor")
    notification = Notification.objects.create(
        recipient=resident.user,
        kind="chores.today",
        about_type="residents.resident",
        about_id=str(resident.pk),
        channel="in_app",
        subject="You have 2 chores today",
        text="Two chores today.",
        url="/chores/",
        due_at=timezone.now(),
        send_after=timezone.now(),
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
    )
    objects.update(
        notification=notification.pk,
        unsubscribe=unsubscribe_token(resident.user.pk, "chores.today"),
    )


@pytest.fixture(autouse=True)
def _report_objects(request):
    """The report exports' objects, added to ``objects`` where a test uses it: a finished CSV
    export manager_harbor asked for, and a finished monthly one the system made."""
    if "objects" not in request.fixturenames:
        return
    import datetime as dt

    from django.utils import timezone

    from reports.models import ExportJob

    objects = request.getfixturevalue("objects")
    harbor = request.getfixturevalue("harbor")
    done = {
        "status": ExportJob.Status.DONE,
        "progress": 100,
        "content": b"PK",
        "filename": "report.zip",
        "size": 2,
        "house_ids": [harbor.pk],
        "month": dt.date(2026, 10, 1),
        "format": "csv",
        "expires_at": timezone.now() + dt.timedelta(days=7),
    }
    mine = ExportJob.objects.create(requested_by=request.getfixturevalue("manager_harbor"), **done)
    monthly = ExportJob.objects.create(requested_by=None, **done)
    objects.update(harbor_export=mine.pk, monthly_export=monthly.pk)


@pytest.mark.parametrize(("method", "url", "persona", "expected"), CASES)
def test_access(client, everyone, objects, method, url, persona, expected):
    user = everyone[persona]
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url.format(**objects))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected, response.content[:300]


def test_every_url_is_in_the_matrix():
    """A new URL of our own without a row here fails this test (allauth's and the admin's own
    pages are represented by the rows above)."""
    from django.urls import URLPattern, get_resolver, resolve

    sample = {"resident_harbor": 1, "resident_cedar": 2, "invitation": 1, "token": "t"}
    covered = {resolve(url.format(**sample).split("?")[0]).url_name for _, url, _ in MATRIX}
    ours = {
        pattern.name for pattern in get_resolver().url_patterns if isinstance(pattern, URLPattern)
    }
    assert ours - covered == set(), "URLs missing from the access-control matrix"
