"""The crawl: every GET page of the app as a resident, a house manager and staff, on data built by
``seed_bench`` on a fixed clock, each page filled with the rows of one cast of people. The query
budget counts each page's queries on it; the time-zone crawl checks the moments each page shows.
Every named URL is either visited (``pages``) or skipped with its reason (``SKIPPED``), so a new
page cannot slip past either.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.core.management import call_command
from django.urls import reverse

from chores import services as chore_services
from chores.models import Assignment, Chore
from meetings.calendar import calendar_feed_create
from meetings.models import Meeting, Officer
from peerlog.models import Pairing
from reports.models import ExportJob
from residents.invitations import invitation_create, invitation_token
from residents.milestones import months_later
from residents.models import House, Invitation, Resident, Stay
from soberhouse import audit
from soberhouse.mail import unsubscribe_token
from soberhouse.models import Notification, User
from tests.conftest import turn_on_totp

# A Tuesday, 11:00 in Los Angeles, noon in Denver and 9:00 in Honolulu (where the time-zone crawl
# puts every house): the houses' day is under way, with chores done and chores to do, on the same
# date in every house.
NOW = dt.datetime(2026, 3, 10, 19, 0, tzinfo=dt.UTC)
ROLES = ["resident", "manager", "staff"]

POST_ONLY = "writes only: answers GET with 405"
# Named URLs that are not plain GET pages, with the reason. Every other named URL is visited.
SKIPPED = {
    "invitation_revoke": POST_ONLY,
    "assignment_done": POST_ONLY,
    "assignment_undo": POST_ONLY,
    "swap_withdraw": POST_ONLY,
    "assignment_pin": POST_ONLY,
    "officer_end": POST_ONLY,
    "meeting_agenda_add": POST_ONLY,
    "meeting_agenda_item": POST_ONLY,
    "meeting_attendance": POST_ONLY,
    "meeting_minutes": POST_ONLY,
    "meeting_motion_new": POST_ONLY,
    "meeting_edit": POST_ONLY,
    "meeting_cancel": POST_ONLY,
    "meeting_close": POST_ONLY,
    "motion_open": POST_ONLY,
    "motion_record": POST_ONLY,
    "motion_close": POST_ONLY,
    "motion_withdraw": POST_ONLY,
    "motion_vote": POST_ONLY,
    "outside_meeting_delete": POST_ONLY,
    "outside_meeting_verify": POST_ONLY,
    "peerlog_mentor_ask": POST_ONLY,
    "peerlog_mentor_withdraw": POST_ONLY,
    "peerlog_check_in_ask": POST_ONLY,
    "peerlog_entry_ack": POST_ONLY,
    "peerlog_entry_reply": POST_ONLY,
    "mentoring_request_decline": POST_ONLY,
    "mentoring_pairing_end": POST_ONLY,
    "mentoring_alumni_invite": POST_ONLY,
    "calendar_feed_manage": POST_ONLY,
    "notifications_read": POST_ONLY,
    "notification_open": POST_ONLY,
    "notification_retry": POST_ONLY,
    "report_export_create": POST_ONLY,
    # A CSV file of the posted filters, no page: its queries are counted in
    # tests/soberhouse/test_audit_words.py.
    "audit_export": POST_ONLY,
}


@dataclass(frozen=True)
class Page:
    name: str  # the URL's name
    label: str  # what the row is called in the tables: the name, and what varies
    url: str
    status: int = 200
    # A read whose words are posted to keep them out of the address (a search by name): visited
    # with a POST of these fields.
    form: dict[str, str] | None = None


@dataclass
class Cast:
    """The people signed in and the rows their pages are about, in one build of the data."""

    house: House
    resident: Resident
    manager: User
    staff: User
    ids: dict[str, object]


def seed(size: dict[str, int], *, time_zone: str | None = None) -> None:
    """``seed_bench`` at ``size`` on the crawl's clock; every house in ``time_zone`` if given."""
    options = {"time_zone": time_zone} if time_zone else {}
    call_command(
        "seed_bench", **size, now=NOW, allow_without_debug=True, stdout=io.StringIO(), **options
    )


def cast(extra: int) -> Cast:
    """A resident living in a house now who has a mentor there and chores today, and holds no
    office (the first such by house and pairing); their house's manager; staff. Plus the rows
    ``seed_bench`` does not make: a swap asked of the resident, calendar addresses, and
    ``extra`` times over chores, invitations, exports, notifications and audit events.

    The same kind of person at both sizes, so that their pages take the same branches: an
    officer, or the chair or secretary of this week's or a coming meeting, runs the meeting
    and sees more of it."""
    living = Stay.objects.current().values("resident")
    week = Meeting.objects.filter(starts_at__gte=NOW - dt.timedelta(days=8))
    officers = Officer.objects.filter(ends_on__gt=NOW.date()).values("resident")
    chairs = week.filter(chair__isnull=False).values("chair")
    secretaries = week.filter(secretary__isnull=False).values("secretary")
    pairing = (
        Pairing.objects.filter(ends_on__isnull=True, mentee__in=living, mentor__in=living)
        .filter(mentee__chore_assignments__day=NOW.date())
        .exclude(mentee__in=officers)
        .exclude(mentee__in=chairs)
        .exclude(mentee__in=secretaries)
        .select_related("house", "mentee__user")
        .order_by("house__slug", "pk")
        .first()
    )
    assert pairing is not None, "Nobody without an office has a mentor and chores today"
    house = pairing.house
    assert house.today() == NOW.date()
    manager = User.objects.get(memberships__house=house)
    staff = User.objects.get(email="staff@bench.test")
    for user in (manager, staff):
        turn_on_totp(user)
    housemates = Stay.objects.current().filter(house=house).values("resident")
    resident = pairing.mentee
    open_ones = Assignment.objects.filter(
        house=house, status=Assignment.Status.TO_DO, due_at__gt=NOW
    ).order_by("due_at", "pk")
    mine = open_ones.filter(resident=resident).first()
    theirs = open_ones.filter(resident__in=housemates).exclude(resident=resident).first()
    assert mine is not None and theirs is not None, "No chores to swap in the house"
    swap = chore_services.swap_ask(assignment=theirs, by=theirs.resident, of=resident)
    to_check = (
        Assignment.objects.filter(house=house, status=Assignment.Status.DONE)
        .exclude(chore__checker=Chore.Checker.NOBODY)
        .order_by("-done_at", "pk")
        .first()
    )
    assert to_check is not None, "No chore in the house waits for a check"
    meetings = Meeting.objects.filter(house=house)
    # The last meeting held with a vote (an empty page skips the query for the votes).
    held = (
        meetings.filter(status=Meeting.Status.HELD, motions__isnull=False)
        .order_by("-starts_at")
        .first()
    )
    coming = meetings.filter(starts_at__gt=NOW).order_by("starts_at").first()
    assert held is not None and coming is not None, "No meeting held with a vote, or to come"
    former = (
        Resident.objects.filter(stays__house=house)
        .exclude(pk__in=Stay.objects.current().values("resident"))
        .order_by("pk")
        .first()
    )
    assert former is not None, "Nobody has left the house"
    done = {
        "status": ExportJob.Status.DONE,
        "progress": 100,
        "content": b"PK",
        "filename": "report.zip",
        "size": 2,
        "house_ids": [house.pk],
        "month": dt.date(2026, 2, 1),
        "format": "csv",
        "expires_at": NOW + dt.timedelta(days=7),
    }
    all_houses = list(House.objects.values_list("pk", flat=True))
    for number in range(extra):
        Chore.objects.create(house=house, name=f"Extra chore {number}", area="Porch")
        ExportJob.objects.create(requested_by=manager, **done)
        month = months_later(done["month"], -number)  # the system makes one a month
        ExportJob.objects.create(
            requested_by=None, **{**done, "house_ids": all_houses, "month": month}
        )
        invitation = invitation_create(
            house=house,
            email=f"new.{number}@example.test",
            role=Invitation.Role.RESIDENT,
            by=manager,
        )
        for user in (resident.user, manager, staff):
            for kind in ("chores.today", "meetings.tomorrow", "peerlog.new_check_in"):
                Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    about_type="residents.resident",
                    about_id=str(resident.pk),
                    occurrence=str(number),
                    channel="in_app",
                    subject=f"A notice ({number})",
                    text="Something to know.",
                    url="/",
                    due_at=NOW,
                    send_after=NOW,
                    status=Notification.Status.SENT,
                    sent_at=NOW,
                )
            for _ in range(10):
                audit.record(action="resident.viewed", actor=user, obj=resident)
    export = ExportJob.objects.filter(requested_by=manager).latest("pk")
    monthly = ExportJob.objects.filter(requested_by=None).latest("pk")
    feeds = {
        role: calendar_feed_create(user=user).token
        for role, user in (("resident", resident.user), ("manager", manager), ("staff", staff))
    }
    return Cast(
        house=house,
        resident=resident,
        manager=manager,
        staff=staff,
        ids={
            "pairing": pairing.pk,
            "my_chore": mine.pk,
            "swap": swap.pk,
            "to_check": to_check.pk,
            "chore": to_check.chore_id,
            "held": held.pk,
            "coming": coming.pk,
            "former": former.pk,
            "export": export.pk,
            "monthly": monthly.pk,
            "token": invitation_token(invitation),
            "feeds": feeds,
            "unsubscribe": {
                role: unsubscribe_token(user.pk, "chores.today")
                for role, user in (
                    ("resident", resident.user),
                    ("manager", manager),
                    ("staff", staff),
                )
            },
        },
    )


def page(
    name: str,
    label: str = "",
    status: int = 200,
    query: str = "",
    form: dict[str, str] | None = None,
    **kwargs,
) -> Page:
    url = reverse(name, kwargs=kwargs or None) + (f"?{query}" if query else "")
    return Page(name, f"{name} {label}".strip(), url, status, form)


def pages(role: str, cast: Cast) -> list[Page]:
    """Every GET page ``role`` may open, filled with the cast's own rows."""
    slug, ids = cast.house.slug, cast.ids
    resident = cast.resident.pk
    everyone = [
        page("home", status=302),
        page("healthz"),
        page("me"),
        page("my_data"),
        page("notification_list"),
        page("notification_preferences"),
        page("chore_checks"),
        page("calendar_feed", token=ids["feeds"][role]),
        page("notification_unsubscribe", token=ids["unsubscribe"][role]),
    ]
    if role == "resident":
        return [
            *everyone,
            page("today"),
            page("rules_sign"),
            page("house_directory"),
            page("resident_detail", "(own)", pk=resident),
            page("my_chores"),
            page("swap_ask", pk=ids["my_chore"]),
            page("swap_answer", pk=ids["swap"]),
            page("chore_chart", slug=slug),
            page("decisions", slug=slug),
            page("officers", slug=slug),
            page("my_meetings", status=302),
            page("meeting_list", slug=slug),
            page("meeting_detail", "(held)", pk=ids["held"]),
            page("meeting_detail", "(coming)", pk=ids["coming"]),
            page("my_outside_meetings"),
            page("peerlog"),
            page("peerlog_pair", pk=ids["pairing"]),
            page("peerlog_entry_new", pk=ids["pairing"]),
        ]
    house_pages = [
        *everyone,
        page("house_list"),
        page("house_dashboard", slug=slug),
        page("invitation_new", slug=slug),
        page("resident_admit", slug=slug),
        page("rules_manage", slug=slug),
        page("resident_search"),
        page("resident_search", "(searched)", form={"q": "a"}),
        page("resident_detail", pk=resident),
        page("resident_edit", pk=resident),
        page("resident_discharge", pk=resident),
        page("resident_stay_edit", pk=resident),
        page("resident_transfer", pk=resident),
        page("resident_readmit", "(former)", pk=ids["former"]),
        page("resident_sobriety_date", pk=resident),
        page("assignment_check", pk=ids["to_check"]),
        page("chore_list", slug=slug),
        page("chore_new", slug=slug),
        page("chore_edit", slug=slug, pk=ids["chore"]),
        page("rotation_preview", slug=slug),
        page("chore_chart", slug=slug),
        page("chore_history", slug=slug),
        page("decisions", slug=slug),
        page("officers", slug=slug),
        page("meeting_settings", slug=slug),
        page("meeting_list", slug=slug),
        page("meeting_detail", "(held)", pk=ids["held"]),
        page("meeting_detail", "(coming)", pk=ids["coming"]),
        page("house_outside_meetings", slug=slug),
        page("mentoring_manage", slug=slug),
        page("mentoring_settings", slug=slug),
        page("reports"),
        page("reports", "?house=…", query=f"house={slug}"),
        page("reports", "?house=…&residents=on", query=f"house={slug}&residents=on"),
        page("report_exports"),
    ]
    if role == "manager":
        return [
            *house_pages,
            page("invitation_accept", token=ids["token"]),
            page("peerlog_pair", pk=ids["pairing"]),
            page("report_export", pk=ids["export"]),
            page("report_export_progress", pk=ids["export"]),
            page("report_export_download", pk=ids["export"]),
        ]
    return [
        *house_pages,
        page("audit_list"),
        page("audit_list", "(filtered)", form={"actor": "a", "since": "2020-01-01"}),
        page("notification_operations"),
        page("report_export", "(monthly)", pk=ids["monthly"]),
        page("report_export_progress", "(monthly)", pk=ids["monthly"]),
        page("report_export_download", "(monthly)", pk=ids["monthly"]),
    ]


def user(role: str, cast: Cast) -> User:
    return {"resident": cast.resident.user, "manager": cast.manager, "staff": cast.staff}[role]


def stand_in_cast() -> Cast:
    """A cast of unsaved rows with made-up ids: enough to name every page and its route."""
    ids = {key: 1 for key in ("pairing", "my_chore", "swap", "to_check", "chore", "held")}
    ids.update(coming=1, former=1, export=1, monthly=1, token="t")
    ids["feeds"] = dict.fromkeys(ROLES, "t")
    ids["unsubscribe"] = dict.fromkeys(ROLES, "t")
    return Cast(
        house=House(slug="house"),
        resident=Resident(pk=1),
        manager=User(),
        staff=User(),
        ids=ids,
    )
