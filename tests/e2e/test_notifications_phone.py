"""The in-app notifications on a resident's phone: the unread count in the navigation, opening
one, and the preferences page."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from soberhouse.mail import unsubscribe_token
from soberhouse.models import Notification, NotificationPreference
from tests.e2e.conftest import assert_it_fits_a_phone, sign_in_as


def _sent(user, n: int) -> Notification:
    now = timezone.now()
    return Notification.objects.create(
        recipient=user,
        kind="chores.today",
        about_type="soberhouse.user",
        about_id=str(user.pk),
        occurrence=f"day-{n}",
        channel="in_app",
        subject=f"You have {n} chores today",
        text="Open your chores to see them.",
        url="/chores/",
        due_at=now,
        send_after=now,
        status=Notification.Status.SENT,
        sent_at=now,
    )


def test_a_resident_reads_notifications_and_sets_quiet_hours_on_a_phone(
    transactional_db, live_server, resident_harbor, phone: BrowserContext, page: Page, screenshot
):
    user = resident_harbor.user
    _sent(user, 2)
    _sent(user, 3)

    sign_in_as(phone, user, live_server.url)
    page.goto(f"{live_server.url}/me/")
    link = page.get_by_role("link", name="Notifications 2 unread")
    expect(link).to_be_visible()
    assert_it_fits_a_phone(page)
    link.click()
    expect(page.get_by_text("You have 3 chores today")).to_be_visible()
    assert_it_fits_a_phone(page)
    screenshot(page, "list")

    page.get_by_role("button", name="Open").first.click()
    expect(page).to_have_url(f"{live_server.url}/chores/")
    expect(page.get_by_role("link", name="Notifications 1 unread")).to_be_visible()

    page.goto(f"{live_server.url}/notifications/preferences/")
    assert_it_fits_a_phone(page)
    kinds = page.get_by_role("group", name="What to tell me about")
    kinds.get_by_label("Your chores each morning").uncheck()
    page.get_by_label("Quiet from").fill("22:00")
    page.get_by_role("button", name="Save my preferences").click()
    expect(page.locator("form").get_by_text("Give the time quiet hours end")).to_be_visible()
    assert_it_fits_a_phone(page)
    page.get_by_label("Quiet until").fill("07:00")
    page.get_by_role("button", name="Save my preferences").click()
    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
    screenshot(page, "preferences")
    preference = NotificationPreference.objects.get(user=user)
    assert preference.muted_kinds == ["chores.today"]
    assert preference.quiet_until.hour == 7


def test_an_emails_unsubscribe_link_asks_then_stops_that_kind_on_a_phone(
    transactional_db, live_server, resident_harbor, page: Page, screenshot
):
    """Opened from the email on a phone, signed out: a page that says what stops, one button."""
    user = resident_harbor.user
    token = unsubscribe_token(user.pk, "meetings.tomorrow")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/notifications/unsubscribe/{token}/")
    expect(page.get_by_role("heading", name="Stop these emails?")).to_be_visible()
    expect(page.get_by_text("The house meeting tomorrow")).to_be_visible()
    assert_it_fits_a_phone(page)
    screenshot(page, "unsubscribe")
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_role("heading", name="Emails stopped")).to_be_visible()
    assert_it_fits_a_phone(page)
    screenshot(page, "unsubscribed")
    preference = NotificationPreference.objects.get(user=user)
    assert preference.email_muted_kinds == ["meetings.tomorrow"]
