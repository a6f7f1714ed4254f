import datetime as dt

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction

from soberhouse import audit
from soberhouse.models import AuditEvent

REFUSED = (InternalError, ProgrammingError, IntegrityError)


@pytest.fixture
def event(staff):
    return audit.record(action="house.update", actor=staff, obj=staff, changes={"beds": [8, 9]})


def test_it_records_who_what_which_and_when(event, staff):
    event.refresh_from_db()
    assert event.actor == staff
    assert event.actor_email == "staff@example.test"
    assert (event.object_type, event.object_id) == ("soberhouse.user", str(staff.pk))
    assert event.changes == {"beds": [8, 9]}


def test_the_database_refuses_update(event):
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="nothing.happened")
    event.refresh_from_db()
    assert event.action == "house.update"


def test_the_database_refuses_delete(event):
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM soberhouse_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_diff_keeps_only_changed_fields():
    before = {"beds": 8, "name": "Harbor", "opened": dt.date(2026, 1, 1)}
    after = {"beds": 9, "name": "Harbor", "opened": dt.date(2026, 2, 1)}
    assert audit.diff(before, after) == {"beds": [8, 9], "opened": ["2026-01-01", "2026-02-01"]}


def test_reading_a_resident_record_is_audited(client, manager_harbor, resident_harbor):
    client.force_login(manager_harbor)
    client.get(f"/residents/{resident_harbor.pk}/", REMOTE_ADDR="203.0.113.9")
    event = AuditEvent.objects.get(action="resident.view")
    assert event.actor == manager_harbor
    assert event.object_id == str(resident_harbor.pk)
    assert event.ip == "203.0.113.9"


def test_sign_in_and_failed_sign_in_are_audited(client, resident_harbor):
    client.post("/accounts/login/", {"login": resident_harbor.user.email, "password": "wrong"})
    assert AuditEvent.objects.filter(action="account.sign_in_failed").count() == 1
    from tests.factories import PASSWORD

    client.post("/accounts/login/", {"login": resident_harbor.user.email, "password": PASSWORD})
    assert AuditEvent.objects.filter(action="account.sign_in", actor=resident_harbor.user).exists()


class TestAuditPage:
    def test_staff_can_filter_by_action_and_person(self, client, staff, manager_harbor):
        audit.record(action="resident.view", actor=manager_harbor)
        audit.record(action="invitation.create", actor=staff)
        client.force_login(staff)
        response = client.post("/audit/", {"action": "resident.view"})
        events = list(response.context["page"])
        assert [e.action for e in events] == ["resident.view"]
        response = client.post("/audit/", {"actor": "staff@"})
        assert {e.actor_email for e in response.context["page"]} == {"staff@example.test"}

    def test_the_next_page_keeps_the_filters(self, client, staff, manager_harbor):
        for _ in range(51):
            audit.record(action="resident.view", actor=manager_harbor)
        audit.record(action="invitation.create", actor=staff)
        client.force_login(staff)
        first = client.post("/audit/", {"actor": "manager.a@"})
        assert first.context["page"].paginator.count == 51
        assert 'name="actor" value="manager.a@"' in first.content.decode()
        second = client.post("/audit/", {"actor": "manager.a@", "page": "2"})
        assert [e.actor_email for e in second.context["page"]] == ["manager.a@example.test"]

    def test_a_bad_date_is_explained_not_an_error(self, client, staff):
        client.force_login(staff)
        response = client.post("/audit/", {"since": "yesterday"})
        assert response.status_code == 200
        assert "Use a date like" in response.content.decode()

    def test_it_runs_the_same_queries_for_any_number_of_events(
        self, client, staff, manager_harbor, django_assert_num_queries
    ):
        client.force_login(staff)
        for count in (3, 60):
            for _ in range(count):
                audit.record(action="resident.view", actor=manager_harbor)
                audit.record(action="account.password_changed", obj=manager_harbor)
            # session, user, two-factor check, count, navigation (current stay, managed
            # houses), the action choices, one page of events, the names of the accounts in it
            # (manager's password), the unread count (navigation)
            with django_assert_num_queries(10):
                client.get("/audit/")
