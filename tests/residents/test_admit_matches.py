"""Admission in one round, and a returning person recognised before a second record is made."""

from __future__ import annotations

import datetime as dt

import pytest

from residents.models import Resident, Stay
from residents.selectors import likely_matches
from soberhouse import moments
from soberhouse.models import AuditEvent, User
from tests.factories import make_resident
from tests.residents.test_record_views import _admit_data


def _past_resident(house, *, legal_name="Dana Whitfield", email="dana@example.test", **fields):
    resident = make_resident(
        house, move_in=house.today() - dt.timedelta(days=400), email=email, full_name=legal_name
    )
    Resident.objects.filter(pk=resident.pk).update(legal_name=legal_name, **fields)
    Stay.objects.filter(resident=resident).update(
        move_out=house.today() - dt.timedelta(days=200), exit_reason=Stay.ExitReason.COMPLETED
    )
    resident.refresh_from_db()
    return resident


def _admit_dana(**overrides):
    return {
        "person-legal_name": "Dana Whitfield",
        "person-preferred_name": "",
        "stay-email": "dana.new@example.test",
        **overrides,
    }


def test_every_mistake_comes_back_in_one_round(client, harbor, manager_harbor, resident_cedar):
    # Four kinds at once: a field, a formset, what the service refuses (an email on record and a
    # full house), and a phone number too short.
    harbor.beds = 1
    harbor.save()
    make_resident(harbor)
    client.force_login(manager_harbor)
    data = _admit_data(
        harbor,
        **{
            "person-legal_name": "",
            "person-phone": "555",
            "stay-email": resident_cedar.user.email.upper(),
            "contacts-0-name": "",
            "contacts-0-relation": "",
            "contacts-0-phone": "",
        },
    )

    response = client.post("/houses/harbor/admit/", data)

    assert response.status_code == 200
    person, stay = response.context["person"], response.context["stay"]
    assert set(person.errors) == {"legal_name", "phone"}
    assert "already has an account" in stay.errors["email"][0]
    assert stay.errors["move_in"] == [
        f"All 1 beds at Harbor House are taken on {moments.shown(harbor.today(), 'date')}."
    ]
    assert response.context["contacts"].non_form_errors() == ["Add at least one emergency contact."]
    assert not User.objects.filter(email="jordan@example.test").exists()


def test_a_returning_person_is_shown_with_a_way_back(client, harbor, manager_harbor):
    dana = _past_resident(harbor, date_of_birth=dt.date(1988, 5, 1))
    client.force_login(manager_harbor)

    response = client.post(
        "/houses/harbor/admit/",
        _admit_data(harbor, **_admit_dana(**{"person-legal_name": "dána  WHITFIELD"})),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert [match.resident for match in response.context["matches"].shown] == [dana]
    assert f'href="/residents/{dana.pk}/readmit/"' in page
    assert "Re-admit Dana Whitfield" in page
    assert response.context["new_person"].errors["different_person"]
    assert 'href="#id_match-different_person"' in page
    assert Resident.objects.count() == 1
    searched = AuditEvent.objects.get(action="resident.search", actor=manager_harbor)
    assert searched.changes == {"found": [dana.pk], "at": "admission"}


def test_a_different_person_with_the_same_name_is_admitted_once_confirmed(
    client, harbor, manager_harbor
):
    _past_resident(harbor)
    client.force_login(manager_harbor)

    response = client.post(
        "/houses/harbor/admit/",
        _admit_data(harbor, **_admit_dana(**{"match-different_person": "on"})),
    )

    assert response.status_code == 302
    assert Resident.objects.filter(legal_name="Dana Whitfield").count() == 2


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ({"email": "DANA@example.test"}, "same email"),
        ({"phone": "+15625550143"}, "same phone"),
        ({"names": ("Dana Whitfield",)}, "same name"),
        (
            {"names": ("Danielle Whitfield",), "date_of_birth": dt.date(1988, 5, 1)},
            "same last name and birth date",
        ),
    ],
)
def test_matches_by_email_phone_name_or_birth_date(harbor, manager_harbor, typed, reason):
    dana = _past_resident(harbor, phone="+15625550143", date_of_birth=dt.date(1988, 5, 1))
    make_resident(harbor, email="someone@example.test")  # matches nothing

    matches = likely_matches(manager_harbor, **typed)

    assert [(m.resident, reason in m.reasons, m.can_readmit) for m in matches.shown] == [
        (dana, True, True)
    ]


def test_a_manager_learns_nothing_by_name_of_another_houses_residents(
    client, harbor, cedar, manager_harbor, staff
):
    elsewhere = _past_resident(cedar, phone="+15625550143")

    by_name = likely_matches(manager_harbor, names=("Dana Whitfield",))
    by_phone = likely_matches(manager_harbor, phone="+15625550143")

    assert not by_name and by_name.shown == []
    # The number the manager holds: they learn it is on record, not whose it is.
    assert by_phone.shown == [] and by_phone.phone_elsewhere
    assert [m.resident for m in likely_matches(staff, names=("Dana Whitfield",)).shown] == [
        elsewhere
    ]
    client.force_login(manager_harbor)
    page = client.post(
        "/houses/harbor/admit/",
        _admit_data(harbor, **_admit_dana(**{"person-phone": "(562) 555-0143"})),
    ).content.decode()
    assert "has a record in another of the operator" in page
    assert "Dana Whitfield" not in page.replace('value="Dana Whitfield"', "")
    assert not AuditEvent.objects.filter(action="resident.search").exists()


def test_matching_runs_a_fixed_number_of_queries(harbor, manager_harbor, django_assert_num_queries):
    for number in range(6):
        _past_resident(harbor, email=f"dana{number}@example.test", phone="+15625550143")
    # The matches with their users, their latest stays, which the manager may re-admit, and
    # whether the phone is on record beyond what the manager sees.
    with django_assert_num_queries(4):
        matches = likely_matches(
            manager_harbor, email="x@example.test", phone="+15625550143", names=("Dana Whitfield",)
        )
        assert len(matches.shown) == 6
