"""Every kind of email the app sends, as mail programs read it: parsed by Python's email package
(policy.default) and by postal-mime (npm), a parser of mail services. Message-IDs in the site's
own domain and unique, a Date with its zone, and on notifications (not on sign-in codes,
password resets or invitations) a one-click unsubscribe (RFC 2369 and RFC 8058) that works with
no sign-in and no CSRF token, as a mail program sends it."""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import json
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from residents.invitations import invitation_create
from residents.models import Invitation
from soberhouse import outbox
from soberhouse.mail import ALL_KINDS, unsubscribe_token
from soberhouse.models import AuditEvent, Notification, NotificationPreference
from soberhouse.notification_kinds import KINDS
from tests import node
from tests.factories import UserFactory

SITE = "https://houses.example.org"
FROM = "Harbor House <no-reply@houses.example.org>"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = FROM


def _notify(user, about, *, kind="chores.today", occurrence="1"):
    return outbox.notify(
        recipient=user,
        kind=kind,
        about=about,
        occurrence=occurrence,
        due_at=timezone.now(),
        subject="You have 2 chores today",
        text="Kitchen counters by 8 p.m.",
        url="/chores/",
        house_id=about.pk,
        time_zone=about.time_zone,
    )


def _every_kind_of_email(client, harbor, manager_harbor, resident_harbor) -> dict[str, bytes]:
    """One of each, as the bytes that go to the mail server: a notification, a digest, an
    invitation, a sign-in code and a password reset."""
    digest_person = UserFactory(email="digest.person@example.test")
    NotificationPreference.objects.create(user=digest_person, digest=True)
    _notify(resident_harbor.user, harbor)
    _notify(digest_person, harbor, occurrence="1")
    _notify(digest_person, harbor, kind="meetings.tomorrow", occurrence="2")
    invitation_create(
        house=harbor,
        email="new.person@example.test",
        role=Invitation.Role.RESIDENT,
        by=manager_harbor,
    )
    outbox.dispatch(now=timezone.now() + dt.timedelta(days=2))  # the digest's 6 p.m. included
    client.post("/accounts/login/code/", {"email": resident_harbor.user.email})
    client.post("/accounts/password/reset/", {"email": manager_harbor.email})

    def one(test) -> bytes:
        [message] = [message for message in mail.outbox if test(message)]
        return message.message().as_bytes()

    return {
        "notification": one(lambda m: m.subject == "You have 2 chores today"),
        "digest": one(lambda m: m.to == [digest_person.email]),
        "invitation": one(lambda m: m.to == ["new.person@example.test"]),
        "sign-in code": one(
            lambda m: (
                m.to == [resident_harbor.user.email] and m.subject != "You have 2 chores today"
            )
        ),
        "password reset": one(lambda m: m.to == [manager_harbor.email]),
    }


def test_two_parsers_read_ids_in_the_sites_domain_dates_with_a_zone_and_unsubscribe_headers(
    client, harbor, manager_harbor, resident_harbor
):
    sent = _every_kind_of_email(client, harbor, manager_harbor, resident_harbor)
    python = {
        name: email.message_from_bytes(raw, policy=email.policy.default)
        for name, raw in sent.items()
    }
    postal = dict(
        zip(
            sent,
            node.run(
                "mail_headers.mjs",
                json.dumps([base64.b64encode(raw).decode() for raw in sent.values()]).encode(),
                package="postal-mime",
            ),
            strict=True,
        )
    )

    ids = {name: str(message["Message-ID"]) for name, message in python.items()}
    assert len(set(ids.values())) == len(ids), ids  # unique
    for name, message in python.items():
        found = postal[name]
        assert ids[name].endswith("@houses.example.org>"), (name, ids[name])
        assert found["messageId"] == ids[name], name
        # A real offset: "-0000" means "zone unknown", and Python reads it as a naive time.
        date = message["Date"].datetime
        assert date.utcoffset() is not None, (name, str(message["Date"]))
        assert abs(date - timezone.now()) < dt.timedelta(minutes=5)
        assert dt.datetime.fromisoformat(found["date"].replace("Z", "+00:00")) == date, name
        assert message["From"].addresses[0].addr_spec == "no-reply@houses.example.org"
        assert found["from"] == "no-reply@houses.example.org"

    for name in ("notification", "digest"):
        message, found = python[name], postal[name]
        link = str(message["List-Unsubscribe"]).strip()  # a long header is folded
        assert link.startswith(f"<{SITE}/notifications/unsubscribe/") and link.endswith("/>")
        assert found["listUnsubscribe"].strip() == link
        assert str(message["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
        assert found["listUnsubscribePost"] == "List-Unsubscribe=One-Click"
        # The same link in the text, for people whose mail program offers no button.
        assert link[1:-1] in message.get_body(("plain",)).get_content()
    for name in ("invitation", "sign-in code", "password reset"):
        assert "List-Unsubscribe" not in python[name], name
        assert postal[name]["listUnsubscribe"] is None, name


def test_a_row_sent_twice_keeps_its_message_id(harbor, resident_harbor):
    """A worker killed between sending and marking sent sends the row again: the copy has the
    same Message-ID, so mail programs fold it away."""
    _notify(resident_harbor.user, harbor)
    outbox.dispatch(now=timezone.now())
    row = Notification.objects.get(channel="email")
    outbox.EMAIL.open_batch()
    outbox.EMAIL.send(row)
    outbox.EMAIL.close_batch()
    first, again = mail.outbox
    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]


# The one-click unsubscribe


def _link(message) -> str:
    return urlsplit(message.extra_headers["List-Unsubscribe"].strip("<>")).path


def _emailed(harbor, user, kind="chores.today", occurrence="1"):
    mail.outbox.clear()
    _notify(user, harbor, kind=kind, occurrence=occurrence)
    outbox.dispatch(now=timezone.now())
    return [message for message in mail.outbox if message.to == [user.email]]


def test_a_mail_programs_one_click_post_stops_that_kind_of_email_only(harbor, resident_harbor):
    user = resident_harbor.user
    [message] = _emailed(harbor, user)
    # As a mail program sends it: no cookie, no CSRF token, no sign-in.
    program = Client(enforce_csrf_checks=True)
    response = program.post(_link(message), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Emails stopped" in response.text

    preference = NotificationPreference.objects.get(user=user)
    assert preference.email_muted_kinds == ["chores.today"]
    assert preference.email is True
    assert _emailed(harbor, user, occurrence="2") == []  # that kind: in the app only
    assert Notification.objects.filter(recipient=user, occurrence="2").count() == 1
    assert len(_emailed(harbor, user, kind="meetings.tomorrow", occurrence="3")) == 1
    event = AuditEvent.objects.get(action="notifications.unsubscribed")
    assert event.actor == user
    assert event.changes == {"email_muted_kinds": ["[]", "['chores.today']"]}

    # Asked again (mail programs retry): nothing more happens.
    assert program.post(_link(message), {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert AuditEvent.objects.filter(action="notifications.unsubscribed").count() == 1


def test_what_was_still_waiting_to_go_by_email_is_withdrawn(harbor, resident_harbor):
    user = resident_harbor.user
    token = unsubscribe_token(user.pk, "chores.today")
    NotificationPreference.objects.create(user=user, quiet_from=dt.time(0), quiet_until=dt.time(23))
    _notify(user, harbor)
    waiting = Notification.objects.get(recipient=user, channel="email")
    assert waiting.status == Notification.Status.PENDING
    Client().post(f"/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    waiting.refresh_from_db()
    assert waiting.status == Notification.Status.CANCELLED
    assert Notification.objects.get(recipient=user, channel="in_app").status == "pending"


def test_the_digests_link_stops_every_notification_email(harbor):
    person = UserFactory()
    NotificationPreference.objects.create(user=person, digest=True)
    _notify(person, harbor)
    outbox.dispatch(now=timezone.now() + dt.timedelta(days=2))
    [digest] = mail.outbox
    assert unsubscribe_token(person.pk, ALL_KINDS) in digest.extra_headers["List-Unsubscribe"]
    Client().post(_link(digest), {"List-Unsubscribe": "One-Click"})
    preference = NotificationPreference.objects.get(user=person)
    assert (preference.email, preference.in_app, preference.digest) == (False, True, True)


def test_the_link_opened_in_a_browser_asks_first_and_changes_nothing(client, resident_harbor):
    token = unsubscribe_token(resident_harbor.user.pk, "chores.missed")
    response = client.get(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 200
    assert "A chore of yours that was missed" in response.text
    assert 'name="List-Unsubscribe" value="One-Click"' in response.text
    assert "Stop these emails</button>" in response.text
    assert not NotificationPreference.objects.exists()
    # The button posts what a mail program posts.
    response = client.post(
        f"/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert "Emails stopped" in response.text
    assert NotificationPreference.objects.get().email_muted_kinds == ["chores.missed"]


def test_a_post_without_the_one_click_body_is_refused_and_changes_nothing(resident_harbor):
    token = unsubscribe_token(resident_harbor.user.pk, "chores.today")
    for body in ({}, {"List-Unsubscribe": "Yes"}, {"name": "Changed"}):
        response = Client().post(f"/notifications/unsubscribe/{token}/", body)
        assert response.status_code == 400
    assert not NotificationPreference.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_link_not_signed_by_us_or_for_an_account_that_is_gone_is_404(resident_harbor, staff):
    user = resident_harbor.user
    good = unsubscribe_token(user.pk, "chores.today")
    forged = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    other_kind = unsubscribe_token(user.pk, "no.such.kind")
    for token in (forged, other_kind, f"{staff.pk}:chores.today", "x"):
        assert Client().get(f"/notifications/unsubscribe/{token}/").status_code == 404, token
        one_click = {"List-Unsubscribe": "One-Click"}
        assert Client().post(f"/notifications/unsubscribe/{token}/", one_click).status_code == 404
    user.is_active = False
    user.save()
    assert Client().get(f"/notifications/unsubscribe/{good}/").status_code == 404
    assert not NotificationPreference.objects.exists()


def test_the_preferences_page_shows_and_undoes_an_unsubscribe(client, resident_harbor):
    user = resident_harbor.user
    token = unsubscribe_token(user.pk, "chores.today")
    Client().post(f"/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    client.force_login(user)
    form = client.get("/notifications/preferences/").context["form"]
    assert "chores.today" not in form.initial["email_kinds"]
    assert "chores.missed" in form.initial["email_kinds"]
    assert "chores.today" in form.initial["kinds"]  # still in the app

    client.post(
        "/notifications/preferences/",
        {"kinds": list(KINDS), "email_kinds": list(KINDS), "email": "on", "in_app": "on"},
    )
    assert NotificationPreference.objects.get(user=user).email_muted_kinds == []
