import datetime as dt

import pytest
import time_machine

from residents import access
from residents.models import Stay
from tests.factories import make_resident


def test_houses_visible_to_each_role(everyone, harbor, cedar):
    def slugs(persona):
        return sorted(access.houses_visible_to(everyone[persona]).values_list("slug", flat=True))

    assert slugs("resident_harbor") == ["harbor"]
    assert slugs("manager_cedar") == ["cedar"]
    assert slugs("staff") == ["cedar", "harbor"]


def test_anonymous_sees_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    assert not access.houses_visible_to(AnonymousUser()).exists()
    assert not access.residents_visible_to(AnonymousUser()).exists()


def test_a_resident_who_moved_out_today_no_longer_reaches_today(client, resident_harbor, harbor):
    stay = resident_harbor.stays.get()
    stay.move_out, stay.exit_reason = harbor.today(), Stay.ExitReason.MOVED_ON
    stay.save()
    client.force_login(resident_harbor.user)
    # Not the house's day any more: Today says the stay has ended.
    assert client.get("/today/").templates[0].name == "residents/between_stays.html"
    assert client.get("/me/data/").status_code == 200  # their own data stays theirs


def test_a_manager_still_sees_a_past_resident(client, manager_harbor, resident_harbor, harbor):
    Stay.objects.filter(resident=resident_harbor).update(
        move_out=harbor.today(), exit_reason=Stay.ExitReason.COMPLETED
    )
    client.force_login(manager_harbor)
    assert client.get(f"/residents/{resident_harbor.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("utc_now", "current"),
    [
        # 07:59 UTC on 1 December is still 23:59 on 30 November in Los Angeles.
        (dt.datetime(2026, 12, 1, 7, 59, tzinfo=dt.UTC), False),
        (dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC), True),
    ],
)
def test_a_stay_starts_on_the_houses_own_date(harbor, utc_now, current):
    resident = make_resident(harbor, move_in=dt.date(2026, 12, 1))
    with time_machine.travel(utc_now):
        assert Stay.objects.current().filter(resident=resident).exists() is current


def test_the_dashboard_runs_the_same_queries_for_any_number_of_residents(
    client, manager_harbor, harbor, django_assert_num_queries
):
    client.force_login(manager_harbor)
    for count in (2, 12):
        for _ in range(count):
            make_resident(harbor)
        # session, user, two-factor check, navigation (viewer's stay, managed houses), the
        # house, its current rules, the roster's stays with their people, arrivals, departures,
        # the chores panel's counts (one aggregate), the meetings panel (next meeting, last
        # meeting with its attendance, open motions), the outside meetings' week (settings,
        # stays, entries), the mentoring panel (active pairs with their contact, ended pairs,
        # residents without a mentor, requests waiting), the unread count (navigation), the
        # house's failed notifications
        with django_assert_num_queries(23):
            response = client.get("/houses/harbor/")
        assert len(response.context["rows"]) >= count


def test_a_manager_sees_only_the_stays_in_their_own_houses(
    client, manager_cedar, resident_harbor, harbor, cedar
):
    from residents import services

    stay = resident_harbor.stays.get()
    services.resident_transfer(stay=stay, to_house=cedar, on=harbor.today(), by=manager_cedar)
    client.force_login(manager_cedar)
    stays = client.get(f"/residents/{resident_harbor.pk}/").context["stays"]
    assert [s.house.slug for s in stays] == ["cedar"]


def test_a_search_is_audited_with_who_was_found(client, manager_harbor, resident_harbor):
    from soberhouse.models import AuditEvent

    client.force_login(manager_harbor)
    client.post("/residents/", {"q": "Alex"})
    event = AuditEvent.objects.get(action="resident.search")
    assert (event.actor, event.changes) == (manager_harbor, {"found": [resident_harbor.pk]})


def test_a_former_manager_sees_the_time_in_their_house_not_how_the_person_is_now(
    client, staff, manager_harbor, resident_harbor, harbor, cedar
):
    from residents import services

    services.resident_transfer(
        stay=resident_harbor.stays.get(), to_house=cedar, on=harbor.today(), by=staff
    )
    services.sobriety_date_change(
        resident=resident_harbor, new_date=cedar.today(), reason="Started again.", by=staff
    )
    client.force_login(manager_harbor)
    response = client.get(f"/residents/{resident_harbor.pk}/")
    assert response.status_code == 200
    assert "full_record" not in response.context
    page = response.content.decode()
    assert "Started again." not in page
    assert "Days sober" not in page
    assert "no longer lives in one of your houses" in page


def test_a_past_residents_house_now_is_not_shown_in_a_former_managers_search(
    client, staff, manager_harbor, resident_harbor, harbor, cedar
):
    from residents import services

    services.resident_transfer(
        stay=resident_harbor.stays.get(), to_house=cedar, on=harbor.today(), by=staff
    )
    client.force_login(manager_harbor)
    page = client.post("/residents/", {"q": "Alex"}).content.decode()
    assert "Harbor House" in page
    assert "Cedar House" not in page


@pytest.mark.parametrize(
    "page", ["edit", "stay", "discharge", "transfer", "readmit", "sobriety-date"]
)
def test_opening_a_page_that_shows_the_record_is_a_read_in_the_audit_trail(
    client, manager_harbor, resident_harbor, page
):
    from soberhouse.models import AuditEvent

    client.force_login(manager_harbor)
    assert client.get(f"/residents/{resident_harbor.pk}/{page}/").status_code == 200
    event = AuditEvent.objects.get(action="resident.view")
    assert (event.actor, event.object_id) == (manager_harbor, str(resident_harbor.pk))
