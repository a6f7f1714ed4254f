"""The in-app notifications list, opening one, the unread count in the navigation, and the
notification preferences page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from soberhouse import outbox
from soberhouse.models import AuditEvent, Notification, NotificationPreference
from soberhouse.notification_kinds import KINDS

NOW = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)


def _row(user, *, n=1, channel="in_app", status="sent", url="/chores/", read=False, kind=None):
    sent = timezone.now() - dt.timedelta(minutes=n)
    return Notification.objects.create(
        recipient=user,
        kind=kind or "chores.today",
        about_type="soberhouse.user",
        about_id=str(user.pk),
        occurrence=f"o{n}",
        channel=channel,
        subject=f"Subject {n}",
        text=f"Text {n}",
        url=url,
        due_at=sent,
        send_after=sent,
        status=status,
        sent_at=sent if status == "sent" else None,
        read_at=sent if read else None,
    )


@pytest.fixture
def me(resident_harbor):
    return resident_harbor.user


# The list


def test_it_requires_login(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_lists_only_my_sent_in_app_notifications_newest_first(client, me, manager_harbor):
    older, newer = _row(me, n=2), _row(me, n=1)
    _row(me, n=3, channel="email")
    _row(me, n=4, status="pending")
    _row(me, n=5, status="cancelled")
    _row(manager_harbor, n=6)
    client.force_login(me)
    response = client.get("/notifications/")
    assert response.status_code == 200
    assert [n.pk for n in response.context["page"]] == [newer.pk, older.pk]
    body = response.content.decode()
    assert "Subject 1" in body and "Subject 2" in body
    for hidden in ("Subject 3", "Subject 4", "Subject 5", "Subject 6"):
        assert hidden not in body


def test_it_marks_the_unread_ones(client, me):
    _row(me, n=1)
    _row(me, n=2, read=True)
    client.force_login(me)
    body = client.get("/notifications/").content.decode()
    assert body.count("<strong>New:</strong>") == 1


def test_it_pages_by_thirty(client, me):
    for n in range(31):
        _row(me, n=n + 1)
    client.force_login(me)
    assert len(client.get("/notifications/").context["page"]) == 30
    assert len(client.get("/notifications/?page=2").context["page"]) == 1


def test_the_list_runs_the_same_queries_for_2_or_30(client, me, django_assert_num_queries):
    client.force_login(me)
    counts = []
    for total in (2, 30):
        Notification.objects.filter(recipient=me).delete()
        for n in range(total):
            _row(me, n=n + 1)
        # session, user, the houses they manage (none), count for the pager, the page's rows,
        # the current stay (navigation), the unread count (navigation)
        with django_assert_num_queries(7) as captured:
            client.get("/notifications/")
        counts.append(len(captured))
    assert counts[0] == counts[1]


# Marking read


def test_reading_all_marks_only_mine(client, me, manager_harbor):
    mine, other = _row(me, n=1), _row(manager_harbor, n=2)
    client.force_login(me)
    response = client.post("/notifications/read/")
    assert response.status_code == 302
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None
    assert other.read_at is None


def test_reading_all_rejects_get(client, me):
    client.force_login(me)
    assert client.get("/notifications/read/").status_code == 405


def test_opening_marks_read_and_goes_to_its_page(client, me):
    row = _row(me, url="/chores/")
    client.force_login(me)
    response = client.post(f"/notifications/{row.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/chores/"
    row.refresh_from_db()
    assert row.read_at is not None


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x", ""]
)
def test_opening_goes_only_to_a_local_path(client, me, url):
    row = _row(me, url=url)
    client.force_login(me)
    response = client.post(f"/notifications/{row.pk}/open/")
    assert response["Location"] == "/notifications/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_opening_checks_ownership(client, me, manager_harbor):
    other = _row(manager_harbor)
    client.force_login(me)
    assert client.post(f"/notifications/{other.pk}/open/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_opening_rejects_get(client, me):
    row = _row(me)
    client.force_login(me)
    assert client.get(f"/notifications/{row.pk}/open/").status_code == 405


# The unread count in the navigation


def test_the_navigation_shows_my_unread_count(client, me, manager_harbor):
    _row(me, n=1)
    _row(me, n=2)
    _row(me, n=3)
    _row(me, n=4, read=True)
    _row(me, n=5, status="pending")
    _row(manager_harbor, n=6)
    client.force_login(me)
    body = client.get("/me/").content.decode()
    assert (
        'Notifications <span class="badge">3<span class="visually-hidden"> unread</span></span>'
        in body
    )


def test_the_navigation_shows_no_badge_when_all_is_read(client, manager_harbor):
    _row(manager_harbor, read=True)
    client.force_login(manager_harbor)
    body = client.get("/me/").content.decode()
    assert ">Notifications</a>" in body
    assert 'class="badge"' not in body


def test_the_unread_count_is_one_query(client, me, django_assert_num_queries):
    _row(me)
    client.force_login(me)
    client.get("/notifications/")
    with django_assert_num_queries(7) as captured:
        client.get("/notifications/")
    counted = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]
    assert sum("read_at" in sql for sql in counted) == 1


# Preferences


def _form(**overrides):
    data = {"kinds": list(KINDS), "email_kinds": list(KINDS), "email": "on", "in_app": "on"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_preferences_show_every_kind_and_the_digest(client, me):
    client.force_login(me)
    body = client.get("/notifications/preferences/").content.decode()
    for label in KINDS.values():
        assert label.replace("'", "&#x27;") in body
    assert 'name="digest"' in body
    assert "One email a day at 6 p.m. with everything since the last one" in body
    assert "house&#x27;s time zone" in body


def test_me_links_to_the_preferences(client, me):
    client.force_login(me)
    assert "/notifications/preferences/" in client.get("/me/").content.decode()


def test_preferences_save_and_are_audited(client, me):
    client.force_login(me)
    kinds = [kind for kind in KINDS if kind != "chores.today"]
    response = client.post(
        "/notifications/preferences/",
        _form(kinds=kinds, email=None, quiet_from="22:00", quiet_until="07:00"),
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=me)
    assert preference.muted_kinds == ["chores.today"]
    assert preference.email is False
    assert preference.in_app is True
    assert preference.quiet_from == dt.time(22) and preference.quiet_until == dt.time(7)
    event = AuditEvent.objects.get(action="notifications.preferences")
    assert event.actor == me
    assert event.changes["email"] == [True, False]


def test_preferences_save_the_digest(client, me):
    client.force_login(me)
    response = client.post("/notifications/preferences/", _form(digest="on"))
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=me)
    assert preference.digest is True
    event = AuditEvent.objects.get(action="notifications.preferences")
    assert event.changes["digest"] == [False, True]
    assert client.get("/notifications/preferences/").context["form"]["digest"].value() is True
    client.post("/notifications/preferences/", _form())
    preference.refresh_from_db()
    assert preference.digest is False


def test_saving_nothing_new_writes_no_audit(client, me):
    client.force_login(me)
    client.post("/notifications/preferences/", _form())
    assert not AuditEvent.objects.filter(action="notifications.preferences").exists()


@pytest.mark.parametrize(
    ("quiet_from", "quiet_until", "field", "message"),
    [
        ("22:00", None, "quiet_until", "Give the time quiet hours end"),
        (None, "07:00", "quiet_from", "Give the time quiet hours start"),
        ("22:00", "22:00", "quiet_until", "different time"),
        ("25:00", "07:00", "quiet_from", "Enter a valid time"),
    ],
)
def test_preferences_validate_quiet_hours(client, me, quiet_from, quiet_until, field, message):
    client.force_login(me)
    response = client.post(
        "/notifications/preferences/",
        _form(email=None, quiet_from=quiet_from, quiet_until=quiet_until),
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    # Nothing typed is lost.
    assert response.context["form"]["email"].value() is False
    assert not NotificationPreference.objects.filter(user=me).exists()


def test_a_muted_kind_writes_no_row(client, me, harbor):
    client.force_login(me)
    kinds = [kind for kind in KINDS if kind != "chores.today"]
    client.post("/notifications/preferences/", _form(kinds=kinds, email=None))

    def notify(kind):
        return outbox.notify(
            recipient=me,
            kind=kind,
            about=harbor,
            due_at=NOW,
            subject="You have 2 chores today",
            text="Two chores.",
        )

    assert notify("chores.today") == 0
    assert notify("chores.missed") == 1  # in-app only: email is off
    assert list(Notification.objects.values_list("kind", "channel")) == [
        ("chores.missed", "in_app")
    ]


def test_kinds_unknown_to_the_form_stay_muted(client, me):
    NotificationPreference.objects.create(user=me, muted_kinds=["some.future_kind"])
    client.force_login(me)
    client.post("/notifications/preferences/", _form())
    assert NotificationPreference.objects.get(user=me).muted_kinds == ["some.future_kind"]
