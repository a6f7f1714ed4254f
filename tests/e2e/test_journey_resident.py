"""A resident's day, end to end in a real Chromium, on a phone and on a laptop: sign in with an
emailed code, read Today, tick a chore done, log an outside meeting, vote on the motion open at
the house meeting, acknowledge the mentor's check-in, and download my data with all of it in."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, expect

from chores.models import Assignment, Chore
from meetings import services as meetings
from meetings.models import Meeting, Motion, OutsideMeeting, Vote
from peerlog import services as peerlog
from peerlog.models import Entry
from tests.conftest import emailed_sign_in_code
from tests.e2e.conftest import assert_it_fits_a_phone
from tests.factories import make_assignment, make_resident

CHECK_IN = "Coffee and a walk by the water"
MOTION = "Movie night every Friday"


@pytest.fixture
def day(harbor, resident_harbor, manager_harbor):
    """Alex's house as the day begins: a chore due tonight, a house meeting under way with Alex
    marked present and a motion open for the vote, and a check-in from Alex's mentor to read."""
    alex = resident_harbor
    mover = make_resident(harbor, full_name="Robin Mover", email="robin@example.test")
    seconder = make_resident(harbor, full_name="Sky Second", email="sky@example.test")
    mentor = make_resident(harbor, full_name="Sam Senior", email="sam@example.test")
    mentor.sobriety_date = harbor.today() - dt.timedelta(days=400)
    mentor.save()

    chore = Chore.objects.create(
        house=harbor,
        name="Kitchen",
        area="Downstairs",
        checklist="Wipe the counters\nMop the floor",
        due_time=dt.time(23, 30),
    )
    assignment = make_assignment(chore, harbor.today(), alex)

    meeting = Meeting.objects.create(
        house=harbor,
        starts_at=timezone.now() - dt.timedelta(minutes=10),
        place="The living room",
        secretary=seconder,
    )
    for person in (alex, mover, seconder):
        meetings.attendance_mark(
            meeting=meeting, resident=person, status="present", by=manager_harbor
        )
    motion = meetings.motion_propose(
        house=harbor,
        text=MOTION,
        mover=mover,
        seconder=seconder,
        by=manager_harbor,
        meeting=meeting,
    )
    meetings.motion_open_vote(motion=motion, meeting=meeting, by=manager_harbor)

    pairing = peerlog.pairing_create(
        house=harbor,
        mentor=mentor,
        mentee=alex,
        by=manager_harbor,
        starts_on=harbor.today() - dt.timedelta(days=10),
    )
    entry = peerlog.entry_add(
        pairing=pairing,
        author=mentor,
        at=timezone.now() - dt.timedelta(hours=1),
        minutes=30,
        wellbeing=4,
        shared_note=CHECK_IN,
    )
    return {"assignment": assignment, "meeting": meeting, "motion": motion, "entry": entry}


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_a_residents_day(
    transactional_db, live_server, request, harbor, resident_harbor, day, screenshot, size
):
    context: BrowserContext = request.getfixturevalue(size)
    page = context.new_page()
    alex = resident_harbor
    email = alex.user.email

    def step(name: str) -> None:
        if size == "phone":
            assert_it_fits_a_phone(page)
        screenshot(page, name)

    # Sign in with a code sent by email.
    page.goto(f"{live_server.url}/accounts/login/")
    step("sign-in")
    page.get_by_role("link", name="Email me a sign-in code").click()
    page.get_by_label("Email").fill(email)
    step("email-typed")
    page.get_by_role("button", name="Send me the code").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    step("code-requested")
    page.get_by_label("The code from the email").fill(emailed_sign_in_code(email))
    step("code-typed")
    page.get_by_role("button", name="Sign in", exact=True).click()

    # Today: the chore, the vote waiting, the outside meetings and the mentor.
    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    chores_today = page.locator("section", has=page.locator("#today-chores"))
    expect(chores_today).to_contain_text("Kitchen")
    expect(page.get_by_text(f"Your vote, please: {MOTION}")).to_be_visible()
    expect(page.get_by_role("heading", name="Outside meetings: 0 of 3 this week")).to_be_visible()
    expect(page.get_by_text("Your mentor: Sam Senior")).to_be_visible()
    step("today")
    alex.user.refresh_from_db()
    assert alex.user.last_login is not None

    # Tick the chore done.
    page.get_by_role("link", name="Open my chores").click()
    to_do, done = page.locator("#chores-to-do"), page.locator("#chores-done")
    expect(to_do).to_contain_text("Kitchen")
    step("chores")
    page.get_by_role("button", name="Mark as done").click()
    expect(done).to_contain_text("Kitchen")
    expect(to_do).not_to_contain_text("Kitchen")
    expect(page.get_by_text("Nothing left to do today. Well done.")).to_be_visible()
    step("chore-done")
    assignment: Assignment = day["assignment"]
    assignment.refresh_from_db()
    assert assignment.status == "done"
    assert assignment.done_at is not None

    # Log an outside meeting, from Today.
    page.get_by_role("link", name="Today", exact=True).click()
    expect(chores_today).to_contain_text("Nothing left to do today.")
    page.get_by_role("link", name="Log a meeting").click()
    expect(page.get_by_role("heading", name="0 of 3 this week")).to_be_visible()
    page.get_by_label("AA", exact=True).click()
    page.get_by_label("In person", exact=True).click()
    page.get_by_label("Meeting name").fill("Tuesday Night Big Book")
    step("outside-meeting-typed")
    page.get_by_role("button", name="Log this meeting").click()
    expect(page.get_by_role("heading", name="1 of 3 this week")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        "“Tuesday Night Big Book” is logged: 1 of 3 this week."
    )
    step("outside-meeting-logged")
    logged = OutsideMeeting.objects.get(resident=alex)
    assert (logged.name, logged.fellowship, logged.format, logged.day) == (
        "Tuesday Night Big Book",
        "aa",
        "in_person",
        harbor.today(),
    )

    # Vote on the open motion, from Today.
    page.get_by_role("link", name="Today", exact=True).click()
    expect(page.get_by_role("heading", name="Outside meetings: 1 of 3 this week")).to_be_visible()
    page.get_by_role("link", name="Vote now").click()
    motion: Motion = day["motion"]
    on_the_table = page.locator(f"#motion-{motion.pk}")
    expect(on_the_table).to_contain_text(MOTION)
    step("motion")
    on_the_table.get_by_role("button", name="Yes", exact=True).click()
    expect(page.get_by_text("You voted yes").first).to_be_visible()
    expect(page.get_by_role("button", name="Yes", exact=True)).to_have_count(0)
    step("voted")
    assert list(Vote.objects.filter(motion=motion).values_list("resident_id", "choice")) == [
        (alex.pk, "yes")
    ]
    motion.refresh_from_db()
    assert motion.status == "voting"
    page.get_by_role("link", name="Today", exact=True).click()
    expect(page.get_by_text("Your vote, please:")).to_have_count(0)

    # Read the mentor's check-in and acknowledge it.
    page.get_by_role("link", name="Mentoring", exact=True).last.click()
    expect(page.get_by_role("heading", name="My mentor")).to_be_visible()
    expect(page.get_by_text(CHECK_IN)).to_be_visible()
    step("mentoring")
    page.get_by_role("link", name="Our whole log").click()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged. They will see that you read it.")).to_be_visible()
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    step("acknowledged")
    entry: Entry = day["entry"]
    entry.refresh_from_db()
    assert entry.acknowledged_at is not None

    # Download my data: a zip holding my own records, with today's among them.
    page.get_by_role("link", name="Me", exact=True).click()
    step("me")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download all my data").click()
    download = downloading.value
    assert download.suggested_filename == "my-soberhouse-data.zip"
    archive = zipfile.ZipFile(download.path())
    names = set(archive.namelist())
    assert {"README.txt", "account.json", "resident.json", "audit_trail.csv"} <= names
    assert '"email": "resident.a@example.test"' in archive.read("account.json").decode()
    chores = _csv(archive, "chores.csv")
    assert [(row["day"], row["chore"], row["status"]) for row in chores] == [
        (harbor.today().isoformat(), "Kitchen", "Done")
    ]
    outside = _csv(archive, "outside_meetings.csv")
    assert [(row["day"], row["name"], row["fellowship"]) for row in outside] == [
        (harbor.today().isoformat(), "Tuesday Night Big Book", "AA")
    ]
    votes = _csv(archive, "votes.csv")
    assert [(row["motion"], row["vote"]) for row in votes] == [(MOTION, "Yes")]
    log = _csv(archive, "peer_log.csv")
    assert [(row["written_by"], row["shared_note"]) for row in log] == [("my mentor", CHECK_IN)]
    assert log[0]["acknowledged_at"] == entry.acknowledged_at.isoformat()
    attended = _csv(archive, "house_meetings.csv")
    assert [(row["place"], row["attendance"]) for row in attended] == [
        ("The living room", "Present")
    ]
    actions = {row["action"] for row in _csv(archive, "audit_trail.csv")}
    assert {"motion.vote", "peerlog.entry_ack"} <= actions
    # Nothing of the meeting's other records, and no one else's data.
    everything = "".join(archive.read(name).decode() for name in names)
    assert "robin@example.test" not in everything
    assert Meeting.objects.get(pk=day["meeting"].pk).status == "scheduled"


def _csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
