"""Who sees what of a pair's log, cell by cell: the mentor, the mentee, another resident, the
house's manager, another house's manager, staff and the admin list × the entry list, the shared
note and the private note — while the pairing runs and after it ends. Also: no audit row and no
data export carries a note's words, and every manager read is audited."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import time_machine

from peerlog import services
from soberhouse.models import AuditEvent, User
from tests.conftest import turn_on_totp
from tests.factories import make_resident

NOON = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)
SHARED = "Read the first chapter together"
PRIVATE = "Struggling with cravings on Fridays"
REPLY = "Thank you for the call"

# persona → (sees the entry list, sees shared notes, sees private notes)
SEES = {
    "mentor": (True, True, True),
    "mentee": (True, True, True),
    "housemate": (False, False, False),
    "manager_harbor": (True, True, False),
    "manager_cedar": (False, False, False),
    "staff": (False, False, False),
}


@pytest.fixture
def log(harbor, manager_harbor, manager_cedar, staff):
    with time_machine.travel(NOON, tick=False):
        mentor = make_resident(harbor, move_in=dt.date(2026, 6, 1), full_name="Sam Senior")
        mentor.sobriety_date = dt.date(2025, 1, 1)
        mentor.save()
        mentee = make_resident(harbor, move_in=dt.date(2026, 11, 1), full_name="Nico Newer")
        housemate = make_resident(harbor, move_in=dt.date(2026, 11, 1), full_name="Hal Mate")
        pairing = services.pairing_create(
            house=harbor, mentor=mentor, mentee=mentee, by=manager_harbor
        )
        entry = services.entry_add(
            pairing=pairing,
            author=mentor,
            at=NOON - dt.timedelta(hours=3),
            minutes=40,
            shared_note=SHARED,
            private_note=PRIVATE,
        )
        services.reply_add(entry=entry, by=mentee, text=REPLY)
    people = {
        "mentor": mentor.user,
        "mentee": mentee.user,
        "housemate": housemate.user,
        "manager_harbor": manager_harbor,
        "manager_cedar": manager_cedar,
        "staff": staff,
    }
    return pairing, people


def _cells(client, pairing, people):
    seen = {}
    for persona, user in people.items():
        client.force_login(user)
        response = client.get(f"/peerlog/pairs/{pairing.pk}/")
        page = response.content.decode() if response.status_code == 200 else ""
        seen[persona] = (response.status_code == 200, SHARED in page, PRIVATE in page)
    return seen


@pytest.mark.parametrize("ended", [False, True], ids=["running", "ended"])
def test_each_cell_of_the_visibility_matrix(client, log, ended):
    pairing, people = log
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        if ended:
            services.pairing_end(pairing=pairing, reason="completed", by=None)
        assert _cells(client, pairing, people) == SEES


def test_the_admin_list_has_no_peer_log(client, log, db):
    admin = User.objects.create_superuser(email="root@example.test", password="x-long-pass-99")
    turn_on_totp(admin)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200
    for model in ("entry", "reply", "pairing"):
        assert client.get(f"/admin/peerlog/{model}/").status_code == 404
    assert PRIVATE not in client.get("/admin/soberhouse/auditevent/").content.decode()


def test_no_audit_row_carries_a_notes_words(client, log):
    pairing, people = log
    client.force_login(people["manager_harbor"])
    client.get(f"/peerlog/pairs/{pairing.pk}/")
    for event in AuditEvent.objects.all():
        words = str(event.changes)
        assert SHARED not in words and PRIVATE not in words and REPLY not in words


def test_every_manager_read_is_audited(client, log):
    pairing, people = log
    client.force_login(people["manager_harbor"])
    for _ in range(2):
        client.get(f"/peerlog/pairs/{pairing.pk}/")
    reads = AuditEvent.objects.filter(action="peerlog.read", object_id=str(pairing.pk))
    assert reads.count() == 2
    assert {event.actor_email for event in reads} == {people["manager_harbor"].email}


@pytest.mark.parametrize("persona", ["mentor", "mentee"])
def test_the_data_download_carries_no_private_note(client, log, persona):
    _, people = log
    client.force_login(people[persona])
    response = client.get("/me/data/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    for name in archive.namelist():
        assert PRIVATE not in archive.read(name).decode(errors="replace")
