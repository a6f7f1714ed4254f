"""A manager's week, end to end in a real Chromium, on a phone and on a laptop: admit a resident,
set up a chore and preview the rotation, run a house meeting, check the chores done, and end a
mentor pairing. Every step is pictured and checked for accessibility; on the phone every step
must also fit the screen."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, expect

from chores import services as chores_services
from chores.models import Assignment, Chore
from meetings.models import Attendance, Meeting, Motion, Vote
from peerlog import services as peerlog_services
from residents.models import Resident
from soberhouse import outbox
from tests.e2e.conftest import assert_it_fits_a_phone, sign_in_as
from tests.e2e.forms import fill_admission, fill_chore
from tests.factories import make_assignment, make_resident


def _housemates(house):
    """Three residents who moved in a while ago; Ana has been sober long enough to mentor."""
    long_ago = house.today() - dt.timedelta(days=60)
    ana, bo, cy = (
        make_resident(house, move_in=long_ago, full_name=name, email=f"{email}@example.test")
        for name, email in [("Ana Reyes", "ana"), ("Bo Lindqvist", "bo"), ("Cy Okafor", "cy")]
    )
    ana.sobriety_date = house.today() - dt.timedelta(days=400)
    ana.save()
    return ana, bo, cy


def _done_and_waiting(house, *people):
    """The bathroom of the last days, one day each of ``people``, ticked done; the manager
    checks it."""
    bathroom = Chore.objects.create(
        house=house,
        name="Bathroom",
        checklist="Scrub the sink\nMop the floor",
        checker=Chore.Checker.MANAGER,
        points=2,
    )
    done = []
    for back, person in enumerate(people, start=1):
        assignment = make_assignment(bathroom, house.today() - dt.timedelta(days=back), person)
        chores_services.chore_mark_done(assignment=assignment, by=person, note="")
        done.append(assignment)
    outbox.dispatch()  # the manager's in-app notices of the ticks
    return done


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_a_managers_week(
    size, request, transactional_db, live_server, harbor, manager_harbor, screenshot
):
    context: BrowserContext = request.getfixturevalue(size)
    ana, bo, cy = _housemates(harbor)
    meeting = Meeting.objects.create(
        house=harbor, starts_at=timezone.now() - dt.timedelta(minutes=10), place="The living room"
    )
    approved, redone = _done_and_waiting(harbor, bo, cy)
    pairing = peerlog_services.pairing_create(
        house=harbor, mentor=ana, mentee=cy, by=manager_harbor
    )

    sign_in_as(context, manager_harbor, live_server.url)
    page = context.new_page()

    def step(name: str) -> None:
        if size == "phone":
            assert_it_fits_a_phone(page)
        screenshot(page, name)

    page.goto(f"{live_server.url}/houses/harbor/")
    expect(page.get_by_role("heading", name="Harbor House")).to_be_visible()
    step("dashboard")

    # Admit a resident.
    page.get_by_role("link", name="Admit a resident").click()
    expect(page.get_by_role("heading", name="Admit to Harbor House")).to_be_visible()
    fill_admission(page)
    step("admit-form")
    page.get_by_role("button", name="Admit and send the invitation").click()
    expect(page).to_have_url(re.compile(r"/residents/\d+/$"))
    expect(page.get_by_role("heading", name="Robin")).to_be_visible()
    expect(page.get_by_text("Jo Quarry (Sister)")).to_be_visible()
    step("admitted")
    robin = Resident.objects.get(user__email="robin@example.test")
    stay = robin.stays.get()
    assert (robin.legal_name, stay.house, stay.bed, stay.move_out) == (
        "Robin Quarry",
        harbor,
        "Room 9",
        None,
    )

    # Set up a chore and preview the rotation.
    page.goto(f"{live_server.url}/houses/harbor/")
    page.get_by_role("link", name="Chores and settings").click()
    expect(page.get_by_role("heading", name="Chores", exact=True)).to_be_visible()
    page.get_by_role("link", name="Add a chore").click()
    expect(page.get_by_role("heading", name="Add a chore")).to_be_visible()
    fill_chore(page)
    for day in ("Monday", "Wednesday", "Friday"):
        page.get_by_label(day).check()
    page.get_by_label("Time due").fill("19:30")
    step("chore-form")
    page.get_by_role("button", name="Add the chore").click()
    expect(page.get_by_text("“Kitchen floor” is saved.")).to_be_visible()
    expect(page.get_by_role("cell", name="Monday, Wednesday, Friday")).to_be_visible()
    step("chore-added")
    kitchen = Chore.objects.get(house=harbor, name="Kitchen floor")
    assert (kitchen.weekdays, kitchen.points, kitchen.due_time) == ([0, 2, 4], 3, dt.time(19, 30))

    page.get_by_role("link", name="Rotation: the next two weeks").click()
    expect(page.get_by_role("heading", name="Rotation: the next two weeks")).to_be_visible()
    table = page.locator("table.rotation")
    # A column on a laptop; on a phone each day is a card that names the chore in it.
    expect(table.get_by_text("Kitchen floor").locator("visible=true").first).to_be_visible()
    expect(table.get_by_text("Robin").first).to_be_visible()
    step("rotation-preview")
    assert not Assignment.objects.filter(chore=kitchen).exists()
    page.get_by_role("button", name="Save the next 7 days").click()
    saved = page.get_by_text(re.compile(r"^Saved \d+ chores?\.$"))
    expect(saved).to_be_visible()
    expect(table.locator(".tag-saved").first).to_be_visible()
    step("rotation-saved")
    week = harbor.today() + dt.timedelta(days=6)
    kitchen_days = Assignment.objects.filter(chore=kitchen, day__gte=harbor.today(), day__lte=week)
    assert kitchen_days.count() == 3  # Monday, Wednesday and Friday
    assert {assignment.day.weekday() for assignment in kitchen_days} == {0, 2, 4}
    saved_count = int(re.search(r"\d+", saved.inner_text()).group())
    assert Assignment.objects.filter(house=harbor, day__gte=harbor.today()).count() == saved_count

    # Run the house meeting: attendance, minutes, a motion.
    page.goto(f"{live_server.url}/houses/harbor/")
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.locator("#meetings-upcoming").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Attendance")).to_be_visible()
    step("meeting")
    there = {ana: "Present", bo: "Present", cy: "Present", robin: "Late"}
    for person, status in there.items():
        page.get_by_role("button", name=f"{status}: {person.name}").click()
        expect(page.locator(f"#attendance-{person.pk} .tag")).to_have_text(status)
    step("attendance-taken")
    marks = dict(Attendance.objects.filter(meeting=meeting).values_list("resident_id", "status"))
    assert marks == {ana.pk: "present", bo.pk: "present", cy.pk: "present", robin.pk: "late"}

    page.locator("#minutes-text").fill("Welcomed Robin. Kitchen floor joins the rotation.")
    expect(page.locator("#minutes-saved")).to_contain_text("Saved")
    step("minutes-saved")
    meeting.refresh_from_db()
    assert meeting.minutes == "Welcomed Robin. Kitchen floor joins the rotation."

    page.get_by_text("Propose a motion").click()
    page.get_by_label("The motion").fill("Quiet hours start at 10 pm on weeknights")
    page.get_by_label("Moved by").select_option(label=bo.name)
    page.get_by_label("Seconded by").select_option(label=cy.name)
    step("motion-form")
    page.get_by_role("button", name="Put it on the table").click()
    expect(page.get_by_text("The motion is on the table.")).to_be_visible()
    motion = Motion.objects.get(meeting=meeting)
    assert (motion.status, motion.mover, motion.seconder) == ("proposed", bo, cy)
    step("motion-proposed")

    page.get_by_role("button", name="Open the vote").click()
    expect(page.get_by_text("The vote is open.")).to_be_visible()
    motion.refresh_from_db()
    assert motion.status == "voting"
    step("vote-open")

    card = page.locator(f"#motion-{motion.pk}")
    votes = {ana: "Yes", bo: "Yes", cy: "No", robin: "Abstain"}
    for person, choice in votes.items():
        card.get_by_text("Record a vote for someone without a phone").click()
        card.get_by_label("Vote of").select_option(label=person.name)
        card.get_by_role("button", name=choice, exact=True).click()
        expect(page.get_by_text(f"{person.name}'s vote is counted.")).to_be_visible()
    expect(card).to_contain_text("Yes 2, no 1, abstain 1 so far")
    step("votes-recorded")
    recorded = dict(Vote.objects.filter(motion=motion).values_list("resident_id", "choice"))
    assert recorded == {ana.pk: "yes", bo.pk: "yes", cy.pk: "no", robin.pk: "abstain"}

    card.get_by_role("button", name="Close the vote").click()
    expect(page.get_by_text("The vote is closed: Passed.")).to_be_visible()
    expect(card.locator(".tag")).to_have_text("Passed")
    step("vote-closed")
    motion.refresh_from_db()
    assert (motion.status, motion.yes, motion.no, motion.abstain) == ("passed", 2, 1, 1)
    assert (motion.present, motion.residents) == (4, 4)

    # Check the chores done: the manager follows the notice of a tick to the checks.
    page.get_by_role("link", name="Notifications").click()
    notice = page.locator(".notification-list li").filter(has_text="Bathroom was done on").first
    expect(notice).to_contain_text("A chore is waiting for your check")
    step("notifications")
    notice.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", name="Waiting for a check")).to_be_visible()
    expect(page.locator(f"#check-{approved.pk}")).to_contain_text(bo.name)
    expect(page.locator(f"#check-{redone.pk}")).to_contain_text(cy.name)
    step("checks")

    page.locator(f"#check-{approved.pk}").get_by_role("button", name="Looks good").click()
    expect(page.get_by_text("“Bathroom” is checked. Thank you.")).to_be_visible()
    expect(page.locator(f"#check-{approved.pk}")).to_have_count(0)
    step("approved")
    approved.refresh_from_db()
    assert (approved.status, approved.checked_by) == ("checked", manager_harbor)

    waiting = page.locator(f"#check-{redone.pk}")
    waiting.get_by_role("button", name="Needs a redo").click()
    expect(page.locator("form").get_by_text("Say what needs doing again, kindly.")).to_be_visible()
    step("redo-needs-a-note")
    redone.refresh_from_db()
    assert redone.status == "done"
    page.locator(f"#check-{redone.pk}").get_by_label("A note").fill("The mirror still has spots")
    page.locator(f"#check-{redone.pk}").get_by_role("button", name="Needs a redo").click()
    expect(page.get_by_text(f"“Bathroom” goes back to {cy.name} with your note.")).to_be_visible()
    expect(page.get_by_text("Nothing is waiting for your check right now.")).to_be_visible()
    step("sent-back")
    redone.refresh_from_db()
    assert (redone.status, redone.check_note, redone.redo_count) == (
        "redo",
        "The mirror still has spots",
        1,
    )

    # End the pairing.
    page.goto(f"{live_server.url}/houses/harbor/")
    page.get_by_role("link", name="Mentoring", exact=True).click()
    pair = page.locator(".mentoring-item").filter(has_text=f"{ana.name} → {cy.name}")
    expect(pair).to_have_count(1)
    step("mentoring")
    pair.locator("summary", has_text="End the pairing").click()
    pair.get_by_label("Why it ends").select_option("completed")
    pair.get_by_label("A note").fill("Cy is ready to mentor others")
    step("ending-the-pairing")
    pair.get_by_role("button", name="End the pairing").click()
    expect(page.get_by_text("has ended. Both can still read their log.")).to_be_visible()
    expect(pair).to_have_count(0)
    step("pairing-ended")
    pairing.refresh_from_db()
    assert (pairing.ends_on, pairing.end_reason, pairing.end_note) == (
        harbor.today(),
        "completed",
        "Cy is ready to mentor others",
    )
