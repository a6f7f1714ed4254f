"""``/me/``: a person's own page and preferences; ``/directory/``: housemates who share their
number."""

from __future__ import annotations

import datetime as dt

import pytest

from residents.models import Resident, Stay
from soberhouse.models import AuditEvent
from tests.factories import make_resident


def _housemate(house, *, name, phone="", share_phone=True, **stay):
    resident = make_resident(house, full_name=name, **stay)
    Resident.objects.filter(pk=resident.pk).update(phone=phone, share_phone=share_phone)
    return resident


def test_it_shows_a_resident_their_preferences(client, resident_harbor):
    client.force_login(resident_harbor.user)
    response = client.get("/me/")
    assert response.status_code == 200
    assert response.context["form"].instance == resident_harbor
    body = response.content.decode()
    assert 'name="share_phone"' in body
    assert "Your name and phone number appear in the house directory." in body
    assert "resident.a@example.test" in body


def test_it_saves_preferences_and_audits_them(client, resident_harbor):
    assert (resident_harbor.share_milestones, resident_harbor.share_phone) == (True, False)
    client.force_login(resident_harbor.user)
    # An unticked checkbox is simply absent from the post.
    response = client.post("/me/", {"share_phone": "on"}, follow=True)
    assert response.redirect_chain == [("/me/", 302)]
    assert "Your preferences are saved." in response.content.decode()
    resident_harbor.refresh_from_db()
    assert (resident_harbor.share_milestones, resident_harbor.share_phone) == (False, True)
    event = AuditEvent.objects.get(action="resident.preferences")
    assert event.actor == resident_harbor.user
    assert (event.object_type, event.object_id) == ("residents.resident", str(resident_harbor.pk))
    assert event.changes == {"share_milestones": [True, False], "share_phone": [False, True]}


def test_it_records_nothing_when_nothing_changed(client, resident_harbor):
    client.force_login(resident_harbor.user)
    response = client.post("/me/", {"share_milestones": "on"})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="resident.preferences").exists()


@pytest.mark.parametrize("persona", ["manager_harbor", "staff"])
def test_a_manager_or_staff_sees_no_preferences_form(client, everyone, persona):
    client.force_login(everyone[persona])
    response = client.get("/me/")
    assert response.status_code == 200
    assert response.context["form"] is None
    body = response.content.decode()
    assert "share_phone" not in body
    assert "/me/data/" in body
    assert client.post("/me/", {"share_phone": "on"}).status_code == 404
    assert not AuditEvent.objects.filter(action="resident.preferences").exists()


def test_it_requires_login(client, db):
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_directory_shows_only_current_housemates_who_opted_in(
    client, harbor, cedar, resident_harbor
):
    _housemate(harbor, name="Jordan Shares", phone="+1 (555) 010-2030")
    _housemate(harbor, name="Riley Private", phone="555-000-1111", share_phone=False)
    gone = _housemate(harbor, name="Quinn Moved-Out", phone="555-000-2222")
    Stay.objects.filter(resident=gone).update(
        move_out=harbor.today(), exit_reason=Stay.ExitReason.MOVED_ON
    )
    _housemate(
        harbor,
        name="Avery Arriving",
        phone="555-000-3333",
        move_in=harbor.today() + dt.timedelta(days=3),
    )
    _housemate(cedar, name="Casey Cedarhouse", phone="555-000-4444")
    # Preferred names are what housemates use.
    nick = _housemate(harbor, name="Robin Legal", phone="555-000-5555")
    Resident.objects.filter(pk=nick.pk).update(preferred_name="Bird")

    client.force_login(resident_harbor.user)
    response = client.get("/directory/")
    assert response.status_code == 200
    body = response.content.decode()
    names = [entry.name for entry in response.context["entries"]]
    assert names == ["Alex Harbor", "Bird", "Jordan Shares"]
    assert 'href="tel:+15550102030"' in body
    assert "+1 (555) 010-2030" in body
    assert "555-000-5555" in body
    for absent in ("Riley", "555-000-1111", "Quinn", "Avery", "Casey", "Cedarhouse", "Robin"):
        assert absent not in body


def test_the_directory_marks_you_and_whether_you_are_listed(client, resident_harbor):
    client.force_login(resident_harbor.user)
    body = client.get("/directory/").content.decode()
    assert "(you)" in body
    assert "You are not listed" in body
    assert 'href="/me/"' in body

    Resident.objects.filter(pk=resident_harbor.pk).update(share_phone=True, phone="555-123-4567")
    body = client.get("/directory/").content.decode()
    assert "You are not listed" not in body
    assert "Housemates see your name and number." in body


def test_the_directory_runs_the_same_queries_for_any_number_of_housemates(
    client, harbor, resident_harbor, django_assert_num_queries
):
    client.force_login(resident_harbor.user)
    shown = 0
    for count in (3, 12):
        for index in range(count - shown):
            _housemate(harbor, name=f"Mate {shown + index}", phone=f"555-01{shown + index:02}")
        shown = count
        # session, user, two-factor check, viewer's current stay (access), the directory's
        # stays with their people, the unread count (navigation)
        with django_assert_num_queries(6):
            response = client.get("/directory/")
        assert len(response.context["entries"]) == count + 1


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("manager_harbor", 404), ("staff", 404), ("resident_harbor", 200), ("resident_cedar", 200)],
)
def test_the_directory_is_for_residents_only(client, everyone, persona, expected):
    client.force_login(everyone[persona])
    assert client.get("/directory/").status_code == expected


def test_a_discharged_resident_loses_the_directory(client, harbor, resident_harbor):
    Stay.objects.filter(resident=resident_harbor).update(
        move_out=harbor.today(), exit_reason=Stay.ExitReason.COMPLETED
    )
    client.force_login(resident_harbor.user)
    assert client.get("/directory/").status_code == 404


def test_unticking_every_box_is_saved(client, resident_harbor):
    client.force_login(resident_harbor.user)
    response = client.post("/me/", {})
    assert response.status_code == 302
    resident_harbor.refresh_from_db()
    assert (resident_harbor.share_milestones, resident_harbor.share_phone) == (False, False)
