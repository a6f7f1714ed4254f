"""``/me/data/``: a person downloads everything the app keeps about them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest

from residents.models import EmergencyContact, HouseRules, Resident, RulesSignature, Stay
from soberhouse import audit
from soberhouse.models import AuditEvent

RESIDENT_FILES = {
    "README.txt",
    "account.json",
    "resident.json",
    "stays.csv",
    "rules_signatures.csv",
    "rules_signed/harbor-v2.txt",
    "audit_trail.csv",
    # Added by chores, meetings and peerlog from their AppConfig.ready().
    "chores.csv",
    "outside_meetings.csv",
    "house_meetings.csv",
    "votes.csv",
    "peer_log.csv",
    "peer_log_replies.csv",
}


def _download(client, user) -> zipfile.ZipFile:
    client.force_login(user)
    response = client.get("/me/data/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def _acts(rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(action, who) of each audit row, leaving out the sign-in that the test's own login makes."""
    return [(row["action"], row["who"]) for row in rows if row["action"] != "account.sign_in"]


def _csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


@pytest.fixture
def history(harbor, cedar, resident_harbor, resident_cedar, manager_harbor, manager_cedar):
    """Alex's lived history: an earlier stay at Cedar, a changed sobriety date, a contact, the
    rules signed; and Blair at Cedar with data of their own, which must never leak."""
    alex = resident_harbor
    Resident.objects.filter(pk=alex.pk).update(
        preferred_name="Al",
        phone="555-0101",
        sponsor_name="Pat Sponsor",
        date_of_birth=dt.date(1990, 4, 2),
    )
    alex.refresh_from_db()
    EmergencyContact.objects.create(
        resident=alex, name="Dana Harbor", relation="sister", phone="555-0199"
    )
    alex.sobriety_changes.create(
        previous_date=dt.date(2026, 1, 5),
        new_date=dt.date(2026, 6, 1),
        reason="Returned to use over a hard weekend; starting again.",
        changed_by=manager_harbor,
    )
    today = harbor.today()
    Stay.objects.create(
        resident=alex,
        house=cedar,
        bed="Room 3, bunk “B”",
        move_in=today - dt.timedelta(days=400),
        expected_move_out=today - dt.timedelta(days=200),
        move_out=today - dt.timedelta(days=100),
        exit_reason=Stay.ExitReason.RETURNED_TO_USE,
        exit_notes="Welcome back any time, with a sponsor.",
    )
    Stay.objects.filter(resident=alex, house=harbor).update(bed="Room 1")
    HouseRules.objects.create(
        house=harbor, version=1, text="Old rules.", published_by=manager_harbor
    )
    rules = HouseRules.objects.create(
        house=harbor, version=2, text="Be kind.\nDo your chores.", published_by=manager_harbor
    )
    RulesSignature.objects.create(
        rules=rules,
        resident=alex,
        stay=alex.stays.first(),
        typed_name="Alex Harbor",
        signed_at=dt.datetime(2026, 7, 1, 18, 30, tzinfo=dt.UTC),
        ip="203.0.113.7",
    )

    Resident.objects.filter(pk=resident_cedar.pk).update(phone="555-0202", sponsor_name="Lee")
    EmergencyContact.objects.create(
        resident=resident_cedar, name="Other Contact", relation="friend", phone="555-0299"
    )
    cedar_rules = HouseRules.objects.create(
        house=cedar, version=1, text="Cedar's own rules.", published_by=manager_cedar
    )
    RulesSignature.objects.create(
        rules=cedar_rules,
        resident=resident_cedar,
        stay=resident_cedar.stays.first(),
        typed_name="Blair",
    )

    audit.record(action="resident.view", actor=alex.user, obj=alex)
    audit.record(action="resident.update", actor=manager_harbor, obj=alex, changes={"a": 1})
    audit.record(action="milestone.celebrated", obj=alex)
    audit.record(action="resident.view", actor=manager_cedar, obj=resident_cedar)
    audit.record(action="resident.update", actor=resident_cedar.user, obj=resident_cedar)
    audit.record(action="resident.view", actor=manager_harbor, obj=manager_harbor)
    return alex


def test_a_resident_downloads_every_file(client, history):
    archive = _download(client, history.user)
    assert set(archive.namelist()) == RESIDENT_FILES
    readme = archive.read("README.txt").decode()
    for name in RESIDENT_FILES - {"README.txt", "rules_signed/harbor-v2.txt"}:
        assert f"\n{name}\n" in readme


def test_the_account_and_record_are_right(client, history):
    archive = _download(client, history.user)
    account = json.loads(archive.read("account.json"))
    assert account["email"] == "resident.a@example.test"
    assert account["full_name"] == "Alex Harbor"
    assert account["manages"] == []

    record = json.loads(archive.read("resident.json"))
    assert record["legal_name"] == "Alex Harbor"
    assert record["preferred_name"] == "Al"
    assert record["date_of_birth"] == "1990-04-02"
    assert record["sobriety_date"] == "2026-06-01"
    assert record["sponsor"] == {"name": "Pat Sponsor", "phone": ""}
    assert record["emergency_contacts"] == [
        {"name": "Dana Harbor", "relation": "sister", "phone": "555-0199"}
    ]
    [change] = record["sobriety_date_history"]
    assert change["previous_date"] == "2026-01-05"
    assert change["new_date"] == "2026-06-01"
    assert change["reason"] == "Returned to use over a hard weekend; starting again."
    assert change["changed_by"] == "staff or manager"


def test_the_stays_and_signatures_are_right(client, history, harbor):
    archive = _download(client, history.user)
    today = harbor.today()
    assert _csv(archive, "stays.csv") == [
        {
            "house": "Cedar House",
            "bed": "Room 3, bunk “B”",
            "move_in": (today - dt.timedelta(days=400)).isoformat(),
            "expected_move_out": (today - dt.timedelta(days=200)).isoformat(),
            "move_out": (today - dt.timedelta(days=100)).isoformat(),
            "exit_reason": "Returned to use",
            "exit_notes": "Welcome back any time, with a sponsor.",
        },
        {
            "house": "Harbor House",
            "bed": "Room 1",
            "move_in": (today - dt.timedelta(days=30)).isoformat(),
            "expected_move_out": "",
            "move_out": "",
            "exit_reason": "",
            "exit_notes": "",
        },
    ]
    assert _csv(archive, "rules_signatures.csv") == [
        {
            "house": "Harbor House",
            "version": "2",
            "signed_at": "2026-07-01T18:30:00+00:00",
            "typed_name": "Alex Harbor",
            "ip": "203.0.113.7",
            "text_file": "rules_signed/harbor-v2.txt",
        }
    ]
    signed = archive.read("rules_signed/harbor-v2.txt").decode()
    assert "version 2" in signed
    assert "Be kind.\nDo your chores." in signed
    assert "Old rules." not in signed


def test_the_audit_trail_names_only_the_person_themselves(client, history):
    archive = _download(client, history.user)
    rows = _csv(archive, "audit_trail.csv")
    assert _acts(rows) == [
        ("resident.view", "resident.a@example.test"),
        ("resident.update", "staff or manager"),
        ("milestone.celebrated", "system"),
    ]
    assert all(dt.datetime.fromisoformat(row["at"]).tzinfo for row in rows)
    # In words too, naming nothing: the file is about the person and carries no one else.
    assert [row["what"] for row in rows if row["action"] != "account.sign_in"] == [
        "Viewed a record",
        "Changed a record",
        "Something else (milestone.celebrated)",
    ]


def test_another_persons_data_never_appears(client, history):
    archive = _download(client, history.user)
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    for other in (
        "Blair",
        "resident.b@example.test",
        "555-0202",
        "Other Contact",
        "Cedar's own rules",
        "manager.a@example.test",
        "manager.b@example.test",
        "Morgan",
    ):
        assert other not in everything


def test_a_manager_gets_their_account_and_audit_trail_only(client, history, manager_harbor):
    archive = _download(client, manager_harbor)
    assert set(archive.namelist()) == {"README.txt", "account.json", "audit_trail.csv"}
    account = json.loads(archive.read("account.json"))
    assert account["email"] == "manager.a@example.test"
    assert [house["house"] for house in account["manages"]] == ["Harbor House"]
    assert [method["method"] for method in account["two_factor"]] == ["TOTP Authenticator"]
    rows = _csv(archive, "audit_trail.csv")
    # Their own acts, including those about Alex, with only their own email; nothing of Alex's
    # record itself.
    assert _acts(rows) == [
        ("resident.update", "manager.a@example.test"),
        ("resident.view", "manager.a@example.test"),
    ]
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "Alex" not in everything
    assert "resident.a@example.test" not in everything
    assert '"a"' not in everything  # the change's contents stay out


def test_the_download_is_audited(client, resident_harbor):
    _download(client, resident_harbor.user)
    event = AuditEvent.objects.get(action="me.data_download")
    assert event.actor == resident_harbor.user
    # ...and appears in the next download.
    rows = _csv(_download(client, resident_harbor.user), "audit_trail.csv")
    assert ("me.data_download", "resident.a@example.test") in _acts(rows)


def test_it_requires_login(client, db):
    response = client.get("/me/data/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_records_other_apps_keep_are_in_it_and_nobody_elses(
    client, harbor, cedar, resident_harbor, resident_cedar
):
    from chores.models import Chore
    from meetings.models import OutsideMeeting
    from tests.factories import make_assignment

    for resident, house, chore, meeting in [
        (resident_harbor, harbor, "Kitchen", "Big Book"),
        (resident_cedar, cedar, "Porch", "Cedar Step Study"),
    ]:
        make_assignment(Chore.objects.create(house=house, name=chore), house.today(), resident)
        OutsideMeeting.objects.create(
            resident=resident, house=house, day=house.today(), name=meeting, fellowship="aa"
        )
    archive = _download(client, resident_harbor.user)
    assert [row["chore"] for row in _csv(archive, "chores.csv")] == ["Kitchen"]
    assert [row["name"] for row in _csv(archive, "outside_meetings.csv")] == ["Big Book"]
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "Porch" not in everything and "Cedar Step Study" not in everything
