"""A resident's record through the browser: admit, edit, discharge, transfer, re-admit, change the
sobriety date, find someone; who may see which record; every read in the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from residents.models import EmergencyContact, Membership, Resident, SobrietyDateChange, Stay
from soberhouse import outbox
from soberhouse.models import AuditEvent, User
from tests.factories import make_resident

D = dt.date
BED_TAKEN = "Someone else has this bed on these dates."


def _admit_data(house, **overrides) -> dict[str, str]:
    today = house.today()
    data = {
        "person-legal_name": "Jordan Rivera",
        "person-preferred_name": "Jo",
        "person-pronouns": "they/them",
        "person-phone": "+1 562 555 0143",
        "person-date_of_birth": "1990-04-02",
        "person-sponsor_name": "Pat Sponsor",
        "person-sponsor_phone": "+1 562 555 0199",
        "stay-email": "jordan@example.test",
        "stay-sobriety_date": (today - dt.timedelta(days=45)).isoformat(),
        "stay-bed": "Room 3",
        "stay-move_in": today.isoformat(),
        "stay-expected_move_out": (today + dt.timedelta(days=180)).isoformat(),
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "contacts-0-name": "Ana Rivera",
        "contacts-0-relation": "sister",
        "contacts-0-phone": "+1 562 555 0100",
        # The second row is the blank one the page always offers.
        "contacts-1-name": "",
        "contacts-1-relation": "",
        "contacts-1-phone": "",
    }
    data.update(overrides)
    return data


def _contacts_data(contacts, *, extra_blank=True, initial=None) -> dict[str, str]:
    rows = [*contacts, {"name": "", "relation": "", "phone": ""}] if extra_blank else contacts
    data = {
        "contacts-TOTAL_FORMS": str(len(rows)),
        "contacts-INITIAL_FORMS": str(len(contacts) if initial is None else initial),
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"contacts-{index}-{key}"] = value
    return data


def _discharged(resident, house, *, days_ago=20) -> Stay:
    stay = resident.stays.get(move_out__isnull=True)
    stay.move_out = house.today() - dt.timedelta(days=days_ago)
    stay.exit_reason = Stay.ExitReason.COMPLETED
    stay.save()
    return stay


# Admission


def test_a_manager_admits_a_resident_through_the_form(
    client, harbor, manager_harbor, django_capture_on_commit_callbacks
):
    client.force_login(manager_harbor)
    assert client.get("/houses/harbor/admit/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/houses/harbor/admit/", _admit_data(harbor))

    resident = Resident.objects.get(user__email="jordan@example.test")
    assert response.status_code == 302
    assert response["Location"] == f"/residents/{resident.pk}/"
    assert (resident.legal_name, resident.preferred_name) == ("Jordan Rivera", "Jo")
    assert resident.date_of_birth == D(1990, 4, 2)
    assert resident.sobriety_date == harbor.today() - dt.timedelta(days=45)
    assert list(resident.emergency_contacts.values_list("name", flat=True)) == ["Ana Rivera"]
    stay = resident.stays.get()
    assert (stay.house, stay.bed, stay.move_in) == (harbor, "Room 3", harbor.today())
    outbox.dispatch()  # the invitation waits in the outbox for the dispatcher
    assert [message.to for message in mail.outbox] == [["jordan@example.test"]]
    assert AuditEvent.objects.filter(action="resident.admit", actor=manager_harbor).count() == 1


def test_the_admit_page_is_for_the_houses_own_managers(client, harbor, manager_cedar):
    client.force_login(manager_cedar)
    assert client.get("/houses/harbor/admit/").status_code == 404
    assert client.post("/houses/harbor/admit/", _admit_data(harbor)).status_code == 404
    assert not User.objects.filter(email="jordan@example.test").exists()


def _days(today: dt.date, days: int) -> str:
    return (today + dt.timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "form", "field", "message"),
    [
        pytest.param(
            lambda today: {
                "contacts-0-name": "",
                "contacts-0-relation": "",
                "contacts-0-phone": "",
            },
            "contacts",
            None,
            "Add at least one emergency contact.",
            id="no emergency contact",
        ),
        pytest.param(
            lambda today: {"stay-expected_move_out": _days(today, -1)},
            "stay",
            "expected_move_out",
            "The expected move-out comes after the move-in.",
            id="expected move-out before move-in",
        ),
        pytest.param(
            lambda today: {"stay-sobriety_date": _days(today, 1)},
            "stay",
            "sobriety_date",
            "A sobriety date cannot be ahead.",
            id="sobriety date ahead",
        ),
        pytest.param(
            lambda today: {"person-date_of_birth": today.replace(year=today.year - 10).isoformat()},
            "person",
            "date_of_birth",
            "Check the year: that would make them younger than 16.",
            id="ten years old",
        ),
    ],
)
def test_bad_input_is_explained_beside_the_field_and_keeps_what_was_typed(
    client, harbor, manager_harbor, overrides, form, field, message
):
    client.force_login(manager_harbor)

    data = _admit_data(harbor, **overrides(harbor.today()))
    response = client.post("/houses/harbor/admit/", data)

    assert response.status_code == 200
    if field is None:
        assert response.context[form].non_form_errors() == [message]
    else:
        assert response.context[form].errors[field] == [message]
        assert f'id="id_{form}-{field}_error">{message}' in response.content.decode()
    page = response.content.decode()
    assert 'value="Jordan Rivera"' in page
    assert 'value="jordan@example.test"' in page
    assert not User.objects.filter(email="jordan@example.test").exists()


def test_a_double_booked_bed_is_explained_on_the_bed_field(
    client, harbor, manager_harbor, resident_harbor
):
    Stay.objects.filter(resident=resident_harbor).update(bed="Room 3")
    client.force_login(manager_harbor)

    response = client.post("/houses/harbor/admit/", _admit_data(harbor))

    assert response.status_code == 200
    assert response.context["stay"].errors["bed"] == [BED_TAKEN]
    assert response.context["stay"].non_field_errors() == []
    assert f'id="id_stay-bed_error">{BED_TAKEN}' in response.content.decode()
    assert not User.objects.filter(email="jordan@example.test").exists()


def test_an_email_with_an_account_is_explained_on_the_email_field(
    client, harbor, manager_harbor, resident_cedar
):
    client.force_login(manager_harbor)

    response = client.post(
        "/houses/harbor/admit/", _admit_data(harbor, **{"stay-email": "RESIDENT.B@example.test"})
    )

    assert response.status_code == 200
    assert "already has an account" in response.context["stay"].errors["email"][0]
    assert Resident.objects.count() == 1


# Edit


def test_a_manager_edits_the_record_and_keeps_the_contacts_untouched(
    client, harbor, manager_harbor, resident_harbor
):
    EmergencyContact.objects.create(
        resident=resident_harbor, name="Ana Harbor", relation="mother", phone="+1 562 555 0100"
    )
    client.force_login(manager_harbor)
    assert client.get(f"/residents/{resident_harbor.pk}/edit/").status_code == 200

    data = {
        "person-legal_name": "Alex Harbor",
        "person-preferred_name": "Lex",
        "person-phone": "+1 562 555 0177",
        **_contacts_data(
            [{"name": "Ana Harbor", "relation": "mother", "phone": "+1 562 555 0100"}]
        ),
    }
    response = client.post(f"/residents/{resident_harbor.pk}/edit/", data)

    assert response.status_code == 302
    resident_harbor.refresh_from_db()
    assert (resident_harbor.preferred_name, resident_harbor.phone) == ("Lex", "+15625550177")
    assert list(resident_harbor.emergency_contacts.values_list("name", flat=True)) == ["Ana Harbor"]
    updated = AuditEvent.objects.get(action="resident.update")
    assert updated.changes["preferred_name"] == ["", "Lex"]
    assert updated.changes["phone"] == ["", "+15625550177"]


def test_editing_adds_and_removes_contacts(client, harbor, manager_harbor, resident_harbor):
    EmergencyContact.objects.create(
        resident=resident_harbor, name="Ana Harbor", relation="mother", phone="+1 562 555 0100"
    )
    client.force_login(manager_harbor)
    data = {
        "person-legal_name": "Alex Harbor",
        **_contacts_data(
            [
                {
                    "name": "Ana Harbor",
                    "relation": "mother",
                    "phone": "+1 562 555 0100",
                    "DELETE": "on",
                },
                {"name": "Sam Harbor", "relation": "brother", "phone": "+1 562 555 0111"},
            ],
            extra_blank=False,
            initial=1,
        ),
    }

    response = client.post(f"/residents/{resident_harbor.pk}/edit/", data)

    assert response.status_code == 302
    assert list(resident_harbor.emergency_contacts.values_list("name", flat=True)) == ["Sam Harbor"]


# Discharge, transfer, re-admission, sobriety date


def test_a_manager_discharges_through_the_form(client, harbor, manager_harbor, resident_harbor):
    client.force_login(manager_harbor)
    url = f"/residents/{resident_harbor.pk}/discharge/"
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "move_out": harbor.today().isoformat(),
            "exit_reason": "completed",
            "exit_notes": "Graduated.",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/residents/{resident_harbor.pk}/"
    stay = resident_harbor.stays.get()
    assert (stay.move_out, stay.exit_reason, stay.exit_notes) == (
        harbor.today(),
        "completed",
        "Graduated.",
    )
    # The same person, on their own phone, on their next request.
    client.force_login(resident_harbor.user)
    # Not the house's day any more: Today says the stay has ended.
    assert client.get("/today/").templates[0].name == "residents/between_stays.html"
    assert client.get("/me/data/").status_code == 200


def test_discharge_before_the_move_in_is_explained(client, harbor, manager_harbor, resident_harbor):
    client.force_login(manager_harbor)
    stay = resident_harbor.stays.get()

    response = client.post(
        f"/residents/{resident_harbor.pk}/discharge/",
        {"move_out": (stay.move_in - dt.timedelta(days=1)).isoformat(), "exit_reason": "other"},
    )

    assert response.status_code == 200
    assert "before the move-in" in response.context["form"].errors["move_out"][0]
    stay.refresh_from_db()
    assert stay.move_out is None


def test_the_discharge_page_needs_an_open_stay(client, harbor, manager_harbor, resident_harbor):
    _discharged(resident_harbor, harbor)
    client.force_login(manager_harbor)
    assert client.get(f"/residents/{resident_harbor.pk}/discharge/").status_code == 404


def test_staff_transfer_a_resident_between_houses(client, harbor, cedar, staff, resident_harbor):
    client.force_login(staff)
    url = f"/residents/{resident_harbor.pk}/transfer/"
    assert client.get(url).status_code == 200
    on = harbor.today() + dt.timedelta(days=3)

    response = client.post(url, {"to_house": cedar.pk, "on": on.isoformat(), "bed": "Room 1"})

    assert response.status_code == 302
    old, new = resident_harbor.stays.order_by("move_in", "pk")
    assert (old.house, old.move_out, old.exit_reason) == (harbor, on, "transferred")
    assert (new.house, new.move_in, new.bed, new.move_out) == (cedar, on, "Room 1", None)


def test_a_resident_with_a_transfer_ahead_can_still_be_managed(
    client, harbor, cedar, staff, resident_harbor
):
    """Until the move, two stays are open: the one under way and the one ahead. The pages act
    on the one under way."""
    client.force_login(staff)
    url = f"/residents/{resident_harbor.pk}/transfer/"
    on = harbor.today() + dt.timedelta(days=3)
    client.post(url, {"to_house": cedar.pk, "on": on.isoformat(), "bed": ""})
    assert resident_harbor.stays.open().count() == 2
    page = client.get(url)
    assert page.status_code == 200 and page.context["stay"].house == harbor
    assert client.get(f"/residents/{resident_harbor.pk}/discharge/").status_code == 200
    again = client.post(url, {"to_house": cedar.pk, "on": on.isoformat(), "bed": ""})
    assert again.status_code == 200  # explained on the form, not a server error
    assert resident_harbor.stays.count() == 2


def test_a_transfer_into_a_taken_bed_is_explained_on_the_bed_field(
    client, harbor, cedar, staff, resident_harbor, resident_cedar
):
    Stay.objects.filter(resident=resident_cedar).update(bed="Room 1")
    client.force_login(staff)

    response = client.post(
        f"/residents/{resident_harbor.pk}/transfer/",
        {"to_house": cedar.pk, "on": harbor.today().isoformat(), "bed": "Room 1"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["bed"] == [BED_TAKEN]
    assert resident_harbor.stays.get().move_out is None


def test_a_manager_of_one_house_cannot_transfer(
    client, harbor, cedar, manager_harbor, resident_harbor
):
    client.force_login(manager_harbor)
    url = f"/residents/{resident_harbor.pk}/transfer/"

    page = client.get(url)
    response = client.post(url, {"to_house": cedar.pk, "on": harbor.today().isoformat()})

    assert "You manage no other house" in page.content.decode()
    assert response.status_code == 200
    assert "to_house" in response.context["form"].errors
    assert resident_harbor.stays.get().move_out is None
    assert not cedar.stays.exists()


def test_a_manager_of_both_houses_may_transfer(
    client, harbor, cedar, manager_harbor, resident_harbor
):
    Membership.objects.create(house=cedar, user=manager_harbor)
    client.force_login(manager_harbor)

    response = client.post(
        f"/residents/{resident_harbor.pk}/transfer/",
        {"to_house": cedar.pk, "on": harbor.today().isoformat()},
    )

    assert response.status_code == 302
    assert cedar.stays.get().resident == resident_harbor


def test_a_manager_readmits_a_past_resident(client, harbor, manager_harbor, resident_harbor):
    old = _discharged(resident_harbor, harbor)
    client.force_login(manager_harbor)
    url = f"/residents/{resident_harbor.pk}/readmit/"
    assert client.get(url).status_code == 200

    response = client.post(
        url, {"house": harbor.pk, "move_in": harbor.today().isoformat(), "bed": "Room 5"}
    )

    assert response.status_code == 302
    assert resident_harbor.stays.count() == 2
    old.refresh_from_db()
    assert old.exit_reason == "completed"
    new = resident_harbor.stays.get(move_out__isnull=True)
    assert (new.house, new.move_in, new.bed) == (harbor, harbor.today(), "Room 5")


def test_readmission_while_living_here_is_refused_in_words(
    client, harbor, manager_harbor, resident_harbor
):
    client.force_login(manager_harbor)

    response = client.post(
        f"/residents/{resident_harbor.pk}/readmit/",
        {"house": harbor.pk, "move_in": harbor.today().isoformat()},
    )

    assert response.status_code == 200
    assert "has not ended" in response.context["form"].non_field_errors()[0]
    assert resident_harbor.stays.count() == 1


def test_readmission_over_an_earlier_stay_is_explained_on_the_date(
    client, harbor, manager_harbor, resident_harbor
):
    _discharged(resident_harbor, harbor, days_ago=5)
    client.force_login(manager_harbor)

    response = client.post(
        f"/residents/{resident_harbor.pk}/readmit/",
        {"house": harbor.pk, "move_in": (harbor.today() - dt.timedelta(days=10)).isoformat()},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["move_in"] == [
        "These dates overlap another stay of this person."
    ]


def test_a_manager_changes_the_sobriety_date(client, harbor, manager_harbor, resident_harbor):
    client.force_login(manager_harbor)
    url = f"/residents/{resident_harbor.pk}/sobriety-date/"
    assert client.get(url).status_code == 200
    new_date = harbor.today() - dt.timedelta(days=3)

    response = client.post(url, {"new_date": new_date.isoformat(), "reason": "Started again."})

    assert response.status_code == 302
    resident_harbor.refresh_from_db()
    assert resident_harbor.sobriety_date == new_date
    change = SobrietyDateChange.objects.get()
    assert (change.previous_date, change.reason, change.changed_by) == (
        D(2026, 6, 1),
        "Started again.",
        manager_harbor,
    )
    assert "Started again." in client.get(f"/residents/{resident_harbor.pk}/").content.decode()


# Who sees which record


@pytest.mark.parametrize(
    "page", ["", "edit/", "discharge/", "transfer/", "readmit/", "sobriety-date/"]
)
@pytest.mark.parametrize("persona", ["resident_cedar", "manager_cedar"])
def test_a_harbor_record_is_not_found_from_cedar(client, everyone, resident_harbor, persona, page):
    client.force_login(everyone[persona])
    assert client.get(f"/residents/{resident_harbor.pk}/{page}").status_code == 404


@pytest.mark.parametrize("page", ["edit/", "discharge/", "transfer/", "readmit/", "sobriety-date/"])
def test_a_resident_cannot_manage_their_own_record(client, resident_harbor, page):
    client.force_login(resident_harbor.user)
    assert client.get(f"/residents/{resident_harbor.pk}/{page}").status_code == 404
    assert client.post(f"/residents/{resident_harbor.pk}/{page}", {}).status_code == 404


def test_every_read_of_a_record_is_in_the_audit_trail(
    client, harbor, manager_harbor, staff, resident_harbor
):
    def views():
        return AuditEvent.objects.filter(action="resident.view", object_id=str(resident_harbor.pk))

    client.force_login(manager_harbor)
    client.get(f"/residents/{resident_harbor.pk}/")
    client.get(f"/residents/{resident_harbor.pk}/")
    client.get(f"/residents/{resident_harbor.pk}/edit/")
    client.force_login(staff)
    client.get(f"/residents/{resident_harbor.pk}/")

    assert list(views().order_by("id").values_list("actor", "object_type")) == [
        (manager_harbor.pk, "residents.resident"),
        (manager_harbor.pk, "residents.resident"),
        (manager_harbor.pk, "residents.resident"),
        (staff.pk, "residents.resident"),
    ]


def test_a_refused_read_leaves_no_view_in_the_trail(client, resident_harbor, manager_cedar):
    client.force_login(manager_cedar)
    client.get(f"/residents/{resident_harbor.pk}/")
    assert not AuditEvent.objects.filter(action="resident.view").exists()


# Search


@pytest.fixture
def harbor_people(harbor):
    current = make_resident(harbor, email="jordan.rivera@example.test", full_name="Jordan Rivera")
    past = make_resident(harbor, email="kim.okafor@mailbox.test", full_name="Kimberly Okafor")
    Resident.objects.filter(pk=past.pk).update(preferred_name="Kiki")
    _discharged(past, harbor)
    return current, past


def _found(client, query) -> list[str]:
    response = client.post("/residents/", {"q": query})
    assert response.status_code == 200
    return [resident.legal_name for resident in response.context["results"]]


def test_search_finds_current_and_past_residents(client, manager_harbor, harbor_people):
    client.force_login(manager_harbor)
    assert _found(client, "rivera") == ["Jordan Rivera"]  # legal name, living here
    assert _found(client, "okafor") == ["Kimberly Okafor"]  # legal name, moved out
    assert _found(client, "KIKI") == ["Kimberly Okafor"]  # preferred name
    assert _found(client, "@mailbox") == ["Kimberly Okafor"]  # a piece of the email
    assert _found(client, "o") == ["Jordan Rivera", "Kimberly Okafor"]
    assert _found(client, "nobody-by-that-name") == []


def test_search_keeps_to_the_managers_houses(client, manager_cedar, harbor_people):
    client.force_login(manager_cedar)
    assert _found(client, "rivera") == []
    assert _found(client, "kiki") == []


def test_search_is_for_managers(client, resident_harbor, harbor_people):
    client.force_login(resident_harbor.user)
    assert client.post("/residents/", {"q": "rivera"}).status_code == 404


class TestRoomAndDates:
    def test_a_manager_moves_a_resident_to_another_room(
        self, client, manager_harbor, resident_harbor
    ):
        from soberhouse.models import AuditEvent

        stay = resident_harbor.stays.get()
        client.force_login(manager_harbor)
        response = client.post(
            f"/residents/{resident_harbor.pk}/stay/",
            {"bed": "Room 4", "move_in": stay.move_in.isoformat(), "expected_move_out": ""},
        )
        assert response.status_code == 302
        stay.refresh_from_db()
        assert stay.bed == "Room 4"
        event = AuditEvent.objects.get(action="resident.stay_update")
        assert event.changes == {"bed": ["", "Room 4"]}

    def test_a_taken_bed_is_explained_beside_the_field(
        self, client, manager_harbor, resident_harbor, harbor
    ):
        from tests.factories import make_resident

        other = make_resident(harbor)
        other.stays.update(bed="Room 4")
        stay = resident_harbor.stays.get()
        client.force_login(manager_harbor)
        response = client.post(
            f"/residents/{resident_harbor.pk}/stay/",
            {"bed": "Room 4", "move_in": stay.move_in.isoformat(), "expected_move_out": ""},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["bed"] == [
            "Someone else has this bed on these dates."
        ]
        stay.refresh_from_db()
        assert stay.bed == ""
