"""Stays and the services that write them: the database keeps stays true on its own, and the
services turn its refusals into words a manager can act on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from residents import services
from residents.models import (
    EmergencyContact,
    Invitation,
    Resident,
    SobrietyDateChange,
    Stay,
)
from soberhouse import outbox
from soberhouse.models import AuditEvent, User
from tests.factories import ResidentFactory, UserFactory

D = dt.date
MOVE_IN = D(2026, 11, 20)
BED_TAKEN = "Someone else has this bed on these dates."
DATES_OVERLAP = "These dates overlap another stay of this person."

PERSON = {
    "legal_name": "Jordan Rivera",
    "preferred_name": "Jo",
    "pronouns": "they/them",
    "phone": "+1 562 555 0143",
    "date_of_birth": D(1990, 4, 2),
    "sponsor_name": "Pat Sponsor",
    "sponsor_phone": "+1 562 555 0199",
}
CONTACTS = [{"name": "Ana Rivera", "relation": "sister", "phone": "+1 562 555 0100"}]


def _person(**fields) -> Resident:
    return ResidentFactory(user=UserFactory(**fields))


def _stay(resident, house, move_in, move_out=None, *, bed="") -> Stay:
    return Stay(
        resident=resident,
        house=house,
        bed=bed,
        move_in=move_in,
        move_out=move_out,
        exit_reason=Stay.ExitReason.COMPLETED if move_out else "",
    )


def _refused_by_the_database(*stays: Stay) -> str:
    """Insert straight into the table, past every model and form check; the error's text."""
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        Stay.objects.bulk_create(stays)
    return str(refused.value)


def _admit(house, by, *, email="jordan@example.test", bed="", move_in=MOVE_IN, **kwargs):
    return services.resident_admit(
        house=house,
        by=by,
        email=email,
        person=dict(PERSON),
        sobriety_date=D(2026, 8, 1),
        contacts=list(CONTACTS),
        move_in=move_in,
        bed=bed,
        **kwargs,
    )


# The database itself


def test_the_database_refuses_two_overlapping_stays_of_one_person(harbor, cedar):
    person = _person()
    _stay(person, harbor, D(2026, 1, 1), D(2026, 3, 1)).save()

    error = _refused_by_the_database(_stay(person, cedar, D(2026, 2, 1)))

    assert "stay_no_overlap_for_a_person" in error
    assert person.stays.count() == 1


def test_the_database_refuses_an_open_stay_beside_another_open_stay(harbor, cedar):
    person = _person()
    _stay(person, harbor, D(2026, 1, 1)).save()

    # The later stay starts long after; an open stay still runs on without end.
    error = _refused_by_the_database(_stay(person, cedar, D(2027, 6, 1)))

    assert "stay_no_overlap_for_a_person" in error


def test_the_database_refuses_a_double_booked_bed(harbor):
    _stay(_person(), harbor, D(2026, 1, 1), bed="Room 2A").save()

    error = _refused_by_the_database(_stay(_person(), harbor, D(2026, 5, 1), bed="Room 2A"))

    assert "stay_one_person_per_bed" in error
    assert harbor.stays.filter(bed="Room 2A").count() == 1


def test_a_plain_save_meets_the_same_constraint(harbor):
    _stay(_person(), harbor, D(2026, 1, 1), bed="Room 2A").save()
    second = _stay(_person(), harbor, D(2026, 5, 1), bed="Room 2A")

    # save() does not run full_clean(): only the database stands in the way.
    with pytest.raises(IntegrityError, match="stay_one_person_per_bed"), transaction.atomic():
        second.save()


def test_a_bed_is_free_again_on_the_day_the_last_person_moves_out(harbor):
    _stay(_person(), harbor, D(2026, 1, 1), D(2026, 3, 1), bed="Room 2A").save()

    # Ranges are half-open: the move-out day is the next person's move-in day.
    Stay.objects.bulk_create([_stay(_person(), harbor, D(2026, 3, 1), bed="Room 2A")])

    assert harbor.stays.filter(bed="Room 2A").count() == 2


def test_a_person_may_leave_and_come_back_on_the_same_day(harbor, cedar):
    person = _person()
    _stay(person, harbor, D(2026, 1, 1), D(2026, 3, 1)).save()

    Stay.objects.bulk_create([_stay(person, cedar, D(2026, 3, 1))])

    assert person.stays.count() == 2


def test_the_same_bed_label_in_two_houses_is_two_beds(harbor, cedar):
    _stay(_person(), harbor, D(2026, 1, 1), bed="Room 1").save()
    Stay.objects.bulk_create([_stay(_person(), cedar, D(2026, 1, 1), bed="Room 1")])
    assert Stay.objects.filter(bed="Room 1").count() == 2


def test_stays_without_a_bed_label_do_not_clash(harbor):
    _stay(_person(), harbor, D(2026, 1, 1)).save()
    Stay.objects.bulk_create([_stay(_person(), harbor, D(2026, 1, 1))])
    assert harbor.stays.count() == 2


def test_the_database_refuses_a_move_out_before_the_move_in(harbor):
    error = _refused_by_the_database(_stay(_person(), harbor, D(2026, 3, 1), D(2026, 2, 1)))
    assert "stay_moves_out_after_moving_in" in error


# Conflicts in words


def test_admitting_into_a_taken_bed_is_refused_in_words(harbor, manager_harbor):
    _stay(_person(), harbor, D(2026, 1, 1), bed="Room 2A").save()

    with pytest.raises(ValidationError) as refused:
        _admit(harbor, manager_harbor, bed="Room 2A")

    assert refused.value.messages == [BED_TAKEN]
    # Nothing of the admission is left behind: no account, no record, no invitation.
    assert not User.objects.filter(email="jordan@example.test").exists()
    assert not Invitation.objects.exists()


def test_readmitting_while_a_stay_is_not_over_is_refused(harbor, cedar, manager_harbor):
    person = _person()
    _stay(person, harbor, D(2026, 1, 1), harbor.today() + dt.timedelta(days=5)).save()
    with pytest.raises(ValidationError, match="has not ended"):
        services.resident_readmit(
            resident=person, house=cedar, move_in=harbor.today(), by=manager_harbor
        )


def test_readmitting_over_another_stay_is_refused_in_words(harbor, cedar, manager_harbor):
    person = _person()
    _stay(person, harbor, D(2026, 1, 1), D(2026, 3, 1)).save()

    with pytest.raises(ValidationError) as refused:
        services.resident_readmit(
            resident=person, house=cedar, move_in=D(2026, 2, 1), by=manager_harbor
        )

    assert refused.value.messages == [DATES_OVERLAP]
    assert person.stays.count() == 1


def test_a_conflict_that_slips_past_the_check_still_comes_back_in_words(
    harbor, manager_harbor, monkeypatch
):
    """Two admissions at once both pass full_clean(); the second meets the constraint."""
    _stay(_person(), harbor, D(2026, 1, 1), bed="Room 2A").save()
    monkeypatch.setattr(Stay, "full_clean", lambda self, *args, **kwargs: None)

    with pytest.raises(ValidationError) as refused:
        _admit(harbor, manager_harbor, bed="Room 2A")

    assert refused.value.messages == [BED_TAKEN]
    assert not User.objects.filter(email="jordan@example.test").exists()


# Admission


def test_admit_creates_the_account_record_contacts_stay_and_invitation(harbor, manager_harbor):
    stay = _admit(
        harbor,
        manager_harbor,
        email="  Jordan@Example.TEST ",
        bed="Room 3",
        expected_move_out=D(2027, 5, 20),
    )

    user = User.objects.get(email="jordan@example.test")
    assert not user.has_usable_password()  # they choose one through the invitation
    resident = Resident.objects.get(user=user)
    assert resident.legal_name == "Jordan Rivera"
    assert resident.preferred_name == "Jo"
    assert resident.sobriety_date == D(2026, 8, 1)
    assert resident.date_of_birth == D(1990, 4, 2)
    assert list(resident.emergency_contacts.values("name", "relation", "phone")) == CONTACTS
    stay.refresh_from_db()
    assert (stay.resident, stay.house, stay.bed) == (resident, harbor, "Room 3")
    assert (stay.move_in, stay.expected_move_out, stay.move_out) == (
        D(2026, 11, 20),
        D(2027, 5, 20),
        None,
    )
    invitation = Invitation.objects.get(email="jordan@example.test")
    assert (invitation.role, invitation.house, invitation.invited_by) == (
        Invitation.Role.RESIDENT,
        harbor,
        manager_harbor,
    )
    outbox.dispatch()
    assert [message.to for message in mail.outbox] == [["jordan@example.test"]]
    admitted = AuditEvent.objects.get(action="resident.admit")
    assert (admitted.actor, admitted.object_id) == (manager_harbor, str(resident.pk))
    assert admitted.changes == {"house": "harbor", "move_in": "2026-11-20", "bed": "Room 3"}


def test_admit_refuses_an_email_that_already_has_an_account(harbor, manager_harbor, resident_cedar):
    with pytest.raises(ValidationError) as refused:
        _admit(harbor, manager_harbor, email="Resident.B@example.test")

    assert list(refused.value.message_dict) == ["email"]
    assert "already has an account" in refused.value.message_dict["email"][0]
    assert Resident.objects.count() == 1
    assert not EmergencyContact.objects.exists()
    assert not AuditEvent.objects.filter(action="resident.admit").exists()


# Discharge and re-admission


def test_a_discharge_before_the_invitation_went_withdraws_it_unsent(harbor, manager_harbor):
    stay = _admit(harbor, manager_harbor, email="early@example.test")
    services.resident_discharge(
        stay=stay,
        move_out=stay.move_in,
        exit_reason=Stay.ExitReason.OTHER,
        by=manager_harbor,
    )
    assert Invitation.objects.get(email="early@example.test").revoked_at is not None
    assert outbox.dispatch().sent == 0
    assert mail.outbox == []


def test_discharge_sets_the_move_out_and_reason(harbor, manager_harbor, resident_harbor):
    stay = resident_harbor.stays.get()

    services.resident_discharge(
        stay=stay,
        move_out=harbor.today(),
        exit_reason=Stay.ExitReason.COMPLETED,
        exit_notes="  Moved into an apartment with a friend.  ",
        by=manager_harbor,
    )

    stay.refresh_from_db()
    assert stay.move_out == harbor.today()
    assert stay.exit_reason == "completed"
    assert stay.exit_notes == "Moved into an apartment with a friend."
    discharged = AuditEvent.objects.get(action="resident.discharge")
    assert discharged.changes["reason"] == "completed"


def test_discharge_takes_the_house_away_on_the_next_request(
    client, harbor, manager_harbor, resident_harbor
):
    client.force_login(resident_harbor.user)
    assert client.get("/today/").status_code == 200

    services.resident_discharge(
        stay=resident_harbor.stays.get(),
        move_out=harbor.today(),
        exit_reason=Stay.ExitReason.MOVED_ON,
        by=manager_harbor,
    )

    # Not the house's day any more: Today says the stay has ended.
    assert client.get("/today/").templates[0].name == "residents/between_stays.html"
    assert client.get("/directory/").status_code == 404
    assert client.get("/me/data/").status_code == 200  # their own data stays theirs


def test_discharge_refuses_a_stay_that_has_ended(harbor, manager_harbor, resident_harbor):
    stay = resident_harbor.stays.get()
    services.resident_discharge(
        stay=stay, move_out=harbor.today(), exit_reason="completed", by=manager_harbor
    )

    with pytest.raises(ValidationError, match="already ended"):
        services.resident_discharge(
            stay=stay, move_out=harbor.today(), exit_reason="other", by=manager_harbor
        )

    stay.refresh_from_db()
    assert stay.exit_reason == "completed"


def test_discharge_refuses_a_move_out_before_the_move_in(harbor, manager_harbor, resident_harbor):
    stay = resident_harbor.stays.get()

    with pytest.raises(ValidationError) as refused:
        services.resident_discharge(
            stay=stay,
            move_out=stay.move_in - dt.timedelta(days=1),
            exit_reason="completed",
            by=manager_harbor,
        )

    assert "before the move-in" in refused.value.message_dict["move_out"][0]
    stay.refresh_from_db()
    assert stay.move_out is None


def test_readmission_adds_a_stay_and_keeps_the_old_one(harbor, manager_harbor, resident_harbor):
    first = resident_harbor.stays.get()
    left = harbor.today() - dt.timedelta(days=10)
    services.resident_discharge(
        stay=first, move_out=left, exit_reason="returned_to_use", by=manager_harbor
    )

    second = services.resident_readmit(
        resident=resident_harbor,
        house=harbor,
        move_in=harbor.today(),
        bed="Room 4",
        by=manager_harbor,
    )

    first.refresh_from_db()
    assert (first.move_out, first.exit_reason) == (left, "returned_to_use")
    assert list(resident_harbor.stays.order_by("move_in")) == [first, second]
    assert (second.move_in, second.bed, second.move_out) == (harbor.today(), "Room 4", None)
    assert Stay.objects.current().get(resident=resident_harbor) == second
    assert AuditEvent.objects.filter(action="resident.readmit").count() == 1


def test_readmission_is_refused_while_a_stay_is_open(harbor, cedar, staff, resident_harbor):
    with pytest.raises(ValidationError, match="has not ended"):
        services.resident_readmit(
            resident=resident_harbor, house=cedar, move_in=harbor.today(), by=staff
        )
    assert resident_harbor.stays.count() == 1


# Transfer


def test_transfer_ends_the_stay_and_opens_one_in_the_other_house(
    harbor, cedar, staff, resident_harbor
):
    old = resident_harbor.stays.get()
    old.expected_move_out = D(2027, 3, 1)
    old.save()
    on = harbor.today()

    new = services.resident_transfer(
        stay=old, to_house=cedar, on=on, bed="Room 1", by=staff
    ).new_stay

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.move_out, old.exit_reason) == (on, "transferred")
    assert old.exit_notes == "Transferred to Cedar House."
    assert (new.house, new.move_in, new.bed, new.move_out) == (cedar, on, "Room 1", None)
    assert new.expected_move_out == D(2027, 3, 1)
    moved = AuditEvent.objects.get(action="resident.transfer")
    assert moved.changes == {"from": "harbor", "to": "cedar", "on": on.isoformat()}


def test_transfer_to_the_same_house_is_refused(harbor, staff, resident_harbor):
    stay = resident_harbor.stays.get()

    with pytest.raises(ValidationError) as refused:
        services.resident_transfer(stay=stay, to_house=harbor, on=harbor.today(), by=staff)

    assert list(refused.value.message_dict) == ["to_house"]
    stay.refresh_from_db()
    assert stay.move_out is None
    assert resident_harbor.stays.count() == 1


def test_transfer_before_the_move_in_is_refused(harbor, cedar, staff, resident_harbor):
    stay = resident_harbor.stays.get()

    with pytest.raises(ValidationError) as refused:
        services.resident_transfer(
            stay=stay, to_house=cedar, on=stay.move_in - dt.timedelta(days=1), by=staff
        )

    assert list(refused.value.message_dict) == ["on"]
    stay.refresh_from_db()
    assert stay.move_out is None


def test_transfer_of_a_stay_that_has_ended_is_refused(harbor, cedar, staff, resident_harbor):
    stay = resident_harbor.stays.get()
    services.resident_discharge(
        stay=stay, move_out=harbor.today(), exit_reason="completed", by=staff
    )

    with pytest.raises(ValidationError, match="already ended"):
        services.resident_transfer(stay=stay, to_house=cedar, on=harbor.today(), by=staff)

    stay.refresh_from_db()
    assert stay.exit_reason == "completed"
    assert resident_harbor.stays.count() == 1


def test_transfer_into_a_taken_bed_changes_nothing(harbor, cedar, staff, resident_harbor):
    _stay(_person(), cedar, D(2026, 1, 1), bed="Room 1").save()
    stay = resident_harbor.stays.get()

    with pytest.raises(ValidationError) as refused:
        services.resident_transfer(
            stay=stay, to_house=cedar, on=harbor.today(), bed="Room 1", by=staff
        )

    assert refused.value.messages == [BED_TAKEN]
    stay.refresh_from_db()
    assert (stay.move_out, stay.exit_reason) == (None, "")


# Sobriety date and edits


def test_a_new_sobriety_date_keeps_the_earlier_one_with_the_reason(
    harbor, manager_harbor, resident_harbor
):
    resident_harbor.sobriety_date = D(2026, 6, 1)
    resident_harbor.save()

    services.sobriety_date_change(
        resident=resident_harbor,
        new_date=D(2026, 10, 3),
        reason=" Used on 2 October; back with us and starting again. ",
        by=manager_harbor,
    )

    resident_harbor.refresh_from_db()
    assert resident_harbor.sobriety_date == D(2026, 10, 3)
    change = SobrietyDateChange.objects.get(resident=resident_harbor)
    assert (change.previous_date, change.new_date) == (D(2026, 6, 1), D(2026, 10, 3))
    assert change.reason == "Used on 2 October; back with us and starting again."
    assert change.changed_by == manager_harbor
    audited = AuditEvent.objects.get(action="resident.sobriety_date")
    assert audited.changes == {"sobriety_date": ["2026-06-01", "2026-10-03"]}


def test_a_new_sobriety_date_needs_a_reason(harbor, manager_harbor, resident_harbor):
    with pytest.raises(ValidationError) as refused:
        services.sobriety_date_change(
            resident=resident_harbor, new_date=D(2026, 10, 3), reason="  ", by=manager_harbor
        )

    assert list(refused.value.message_dict) == ["reason"]
    resident_harbor.refresh_from_db()
    assert resident_harbor.sobriety_date == D(2026, 6, 1)
    assert not SobrietyDateChange.objects.exists()


def test_update_records_what_changed_in_the_audit_trail(harbor, manager_harbor, resident_harbor):
    EmergencyContact.objects.create(
        resident=resident_harbor, name="Old Friend", relation="friend", phone="555 0101"
    )
    person = {field: getattr(resident_harbor, field) for field in services.PERSON_FIELDS}
    person.update(preferred_name="Lex", phone="+1 562 555 0177")

    services.resident_update(
        resident=resident_harbor, by=manager_harbor, person=person, contacts=CONTACTS
    )

    resident_harbor.refresh_from_db()
    assert (resident_harbor.preferred_name, resident_harbor.phone) == ("Lex", "+1 562 555 0177")
    assert list(resident_harbor.emergency_contacts.values("name", "relation", "phone")) == CONTACTS
    updated = AuditEvent.objects.get(action="resident.update")
    assert updated.changes == {
        "preferred_name": ["", "Lex"],
        "phone": ["", "+1 562 555 0177"],
        "emergency_contacts": 1,
    }


def test_update_diffs_against_the_stored_record_even_if_the_object_was_changed_first(
    harbor, manager_harbor, resident_harbor
):
    """A ModelForm writes the typed values onto its instance while validating; the audit trail
    must still say what the record held before."""
    resident_harbor.preferred_name = "Lex"  # as PersonForm.is_valid() would do
    person = {field: getattr(resident_harbor, field) for field in services.PERSON_FIELDS}

    services.resident_update(
        resident=resident_harbor, by=manager_harbor, person=person, contacts=CONTACTS
    )

    updated = AuditEvent.objects.get(action="resident.update")
    assert updated.changes["preferred_name"] == ["", "Lex"]


def test_an_admission_with_every_bed_taken_is_refused(harbor, manager_harbor):
    from tests.factories import make_resident

    harbor.beds = 2
    harbor.save()
    make_resident(harbor)
    make_resident(harbor)
    with pytest.raises(ValidationError) as refused:
        services.resident_admit(
            house=harbor,
            by=manager_harbor,
            email="one.more@example.test",
            person={"legal_name": "One More"},
            sobriety_date=None,
            contacts=[],
            move_in=harbor.today(),
        )
    assert refused.value.message_dict == {
        "move_in": [f"All 2 beds at Harbor House are taken on {harbor.today():%-d %b %Y}."]
    }
