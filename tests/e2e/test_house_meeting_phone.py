"""A house meeting on phones: the secretary takes attendance with one tap per person, puts a
motion to the vote, a housemate votes on their own phone, and the secretary closes the vote."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from meetings.models import Attendance, Meeting, Motion, Vote
from tests.e2e.conftest import (
    PHONE_HEIGHT,
    PHONE_WIDTH,
    _watched_context,
    assert_it_fits_a_phone,
    sign_in_as,
)
from tests.factories import make_resident


def test_the_secretary_runs_a_vote_and_a_housemate_votes_on_their_phone(
    transactional_db,
    live_server,
    browser: Browser,
    harbor,
    resident_harbor,
    phone: BrowserContext,
    page: Page,
    screenshot,
):
    voter = make_resident(harbor, full_name="Robin Vote", email="robin@example.test")
    third = make_resident(harbor, full_name="Sky Third", email="sky@example.test")
    secretary = resident_harbor  # Alex Harbor
    meeting = Meeting.objects.create(
        house=harbor,
        starts_at=timezone.now() - dt.timedelta(minutes=10),
        place="The living room",
        secretary=secretary,
    )
    url = f"{live_server.url}/meetings/{meeting.pk}/"

    sign_in_as(phone, secretary.user, live_server.url)
    page.goto(url)
    expect(page.get_by_role("heading", name="Attendance")).to_be_visible()
    assert_it_fits_a_phone(page)
    screenshot(page, "attendance-to-take")

    # One tap per person, and no reload: a full page load would forget this marker.
    page.evaluate("window.stillTheSamePage = true")
    for person in [secretary, voter, third]:
        page.get_by_role("button", name=f"Present: {person.name}").click()
        expect(page.locator(f"#attendance-{person.pk} .tag")).to_have_text("Present")
    assert page.evaluate("window.stillTheSamePage === true")
    assert Attendance.objects.filter(meeting=meeting, status="present").count() == 3
    assert_it_fits_a_phone(page)
    screenshot(page, "attendance-taken")

    page.get_by_text("Propose a motion").click()
    page.get_by_label("The motion").fill("Movie night every Friday")
    page.get_by_label("Moved by").select_option(label=voter.name)
    page.get_by_label("Seconded by").select_option(label=third.name)
    assert_it_fits_a_phone(page)
    page.get_by_role("button", name="Put it on the table").click()
    expect(page.get_by_text("The motion is on the table.")).to_be_visible()
    page.get_by_role("button", name="Open the vote").click()
    expect(page.get_by_text("The vote is open.")).to_be_visible()
    assert_it_fits_a_phone(page)
    screenshot(page, "vote-open")
    motion = Motion.objects.get(meeting=meeting)
    assert motion.status == "voting"

    with _watched_context(
        browser,
        viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    ) as their_phone:
        theirs = their_phone.new_page()
        sign_in_as(their_phone, voter.user, live_server.url)
        theirs.goto(url)
        expect(theirs.locator(f"#motion-{motion.pk}")).to_contain_text("Movie night every Friday")
        assert_it_fits_a_phone(theirs)
        screenshot(theirs, "housemate-sees-the-vote")
        theirs.get_by_role("button", name="Yes", exact=True).click()
        expect(theirs.get_by_text("You voted yes").first).to_be_visible()
        expect(theirs.get_by_role("button", name="Yes", exact=True)).to_have_count(0)
        assert_it_fits_a_phone(theirs)
        screenshot(theirs, "housemate-voted")
    assert list(Vote.objects.values_list("resident_id", "choice")) == [(voter.pk, "yes")]

    page.reload()
    expect(page.locator(f"#motion-{motion.pk}")).to_contain_text("Yes 1, no 0, abstain 0 so far")
    page.get_by_role("button", name="Close the vote").click()
    expect(page.locator(f"#motion-{motion.pk} .tag")).to_have_text("Passed")
    assert_it_fits_a_phone(page)
    screenshot(page, "passed")
    motion.refresh_from_db()
    assert (motion.status, motion.yes, motion.present, motion.residents) == ("passed", 1, 3, 3)

    # The minutes save themselves as the secretary types, without a reload.
    page.evaluate("window.stillTheSamePage = true")
    page.locator("#minutes-text").fill("Movie night passed. Robin picks the first film.")
    expect(page.locator("#minutes-saved")).to_contain_text("Saved")
    assert page.evaluate("window.stillTheSamePage === true")
    assert_it_fits_a_phone(page)
    screenshot(page, "minutes-saved")
    meeting.refresh_from_db()
    assert meeting.minutes == "Movie night passed. Robin picks the first film."
    assert meeting.minutes_version == 1
