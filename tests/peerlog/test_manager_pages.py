"""The manager's mentoring pages: the house's pairs and who waits, making and ending pairings,
answering requests, the settings and alumni mentors."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from peerlog import services
from peerlog.models import AlumniMentor, Entry, MentoringSettings, MentorRequest, Pairing
from residents.models import Stay
from soberhouse.models import AuditEvent
from tests.factories import make_resident

D = dt.date
# Thursday 10 December 2026, noon in Los Angeles, where Harbor House is.
NOON = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)
PAGE = "/houses/harbor/mentoring/"


@pytest.fixture(autouse=True)
def thursday():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def manager(client, manager_harbor):
    client.force_login(manager_harbor)
    return client


def _senior(house, name="Sam Senior", days=400):
    resident = make_resident(house, move_in=D(2026, 6, 1), full_name=name)
    resident.sobriety_date = D(2026, 12, 10) - dt.timedelta(days=days)
    resident.save()
    return resident


def _newer(house, name="Nico Newer"):
    return make_resident(house, move_in=D(2026, 11, 20), full_name=name)


def _pair(house, mentor, mentee, by, starts_on=None):
    return services.pairing_create(
        house=house, mentor=mentor, mentee=mentee, by=by, starts_on=starts_on or D(2026, 12, 1)
    )


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_it_lists_pairs_overdue_without_mentor_and_requests(manager, harbor, manager_harbor):
    mentor = _senior(harbor)
    in_touch = _pair(harbor, mentor, _newer(harbor, "Ivy Intouch"), manager_harbor)
    _pair(harbor, mentor, _newer(harbor, "Otto Overdue"), manager_harbor)
    Entry.objects.create(
        pairing=in_touch, author=mentor, at=NOON - dt.timedelta(days=2), minutes=45
    )
    waiting = _newer(harbor, "Wren Waiting")
    services.mentor_ask(resident=waiting, house=harbor, note="Someone who knows step work")
    _newer(harbor, "Lee Alone")

    response = manager.get(PAGE)

    assert response.status_code == 200
    text = _text(response)
    assert "Sam Senior</strong> → <strong>Ivy Intouch" in text
    assert "Last contact 2 days ago" in text
    assert "1 contact, 45 minutes" in text
    overdue = text.split("Could use a check-in")[1].split("</section>")[0]
    assert "Otto Overdue with Sam Senior" in overdue
    assert "Ivy Intouch" not in overdue
    without = text.split('id="without-title"')[1].split("</section>")[0]
    assert "Lee Alone" in without and "Wren Waiting" in without
    assert "Ivy Intouch" not in without
    assert "“Someone who knows step work”" in text
    assert f'href="/peerlog/pairs/{in_touch.pk}/"' in text


def test_pairing_from_a_request_matches_it(manager, harbor):
    mentor = _senior(harbor)
    mentee = _newer(harbor)
    asked = services.mentor_ask(resident=mentee, house=harbor, note="Please")

    response = manager.post(
        PAGE,
        {
            "mentor": mentor.pk,
            "mentee": mentee.pk,
            "starts_on": "2026-12-10",
            "for_request": asked.pk,
        },
    )

    assert response.status_code == 302
    pairing = Pairing.objects.get(mentee=mentee, ends_on__isnull=True)
    assert pairing.mentor == mentor
    asked.refresh_from_db()
    assert asked.status == MentorRequest.Status.MATCHED
    assert asked.pairing == pairing
    assert AuditEvent.objects.filter(action="peerlog.pairing_create").exists()


def test_a_mentor_without_the_days_sober_is_explained_and_nothing_saved(manager, harbor):
    too_new = _senior(harbor, "Tad Toonew", days=60)
    mentee = _newer(harbor)

    response = manager.post(
        PAGE, {"mentor": too_new.pk, "mentee": mentee.pk, "starts_on": "2026-12-10"}
    )

    assert response.status_code == 200
    form = _text(response).split('id="new-title"')[1]
    assert "needs 180 days sober; Tad Toonew has 60" in form
    assert not Pairing.objects.exists()


def test_a_request_pairing_refused_is_explained_beside_the_request(manager, harbor):
    too_new = _senior(harbor, "Tad Toonew", days=60)
    mentee = _newer(harbor)
    asked = services.mentor_ask(resident=mentee, house=harbor)

    response = manager.post(
        PAGE,
        {
            "mentor": too_new.pk,
            "mentee": mentee.pk,
            "starts_on": "2026-12-10",
            "for_request": asked.pk,
        },
    )

    text = _text(response)
    requests = text.split('id="requests-title"')[1].split("</section>")[0]
    assert "needs 180 days sober" in requests
    assert "<details open>" in requests
    assert not Pairing.objects.exists()


def test_a_mentee_with_a_mentor_is_explained(manager, harbor, manager_harbor):
    mentee = _newer(harbor)
    _pair(harbor, _senior(harbor), mentee, manager_harbor)
    other = _senior(harbor, "Oona Other")

    response = manager.post(
        PAGE, {"mentor": other.pk, "mentee": mentee.pk, "starts_on": "2026-12-10"}
    )

    assert response.status_code == 200
    assert "This resident has a mentor already." in _text(response)
    assert Pairing.objects.count() == 1


def test_a_mentor_at_the_limit_is_explained(manager, harbor, manager_harbor):
    MentoringSettings.objects.create(house=harbor, max_mentees=1)
    mentor = _senior(harbor)
    _pair(harbor, mentor, _newer(harbor), manager_harbor)

    response = manager.post(
        PAGE,
        {"mentor": mentor.pk, "mentee": _newer(harbor, "Second").pk, "starts_on": "2026-12-10"},
    )

    assert response.status_code == 200
    assert "as many mentees as the house allows" in _text(response)
    assert Pairing.objects.count() == 1


def test_nothing_chosen_is_explained_and_the_date_kept(manager, harbor):
    response = manager.post(PAGE, {"mentor": "", "mentee": "", "starts_on": "2026-12-08"})

    text = _text(response)
    assert "Choose a mentor." in text
    assert 'value="2026-12-08"' in text


def test_ending_a_pairing_with_a_reason(manager, harbor, manager_harbor):
    pairing = _pair(harbor, _senior(harbor), _newer(harbor), manager_harbor)

    response = manager.post(
        f"{PAGE}pairs/{pairing.pk}/end/", {"reason": "completed", "note": "A good run"}
    )

    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.ends_on == D(2026, 12, 10)
    assert pairing.end_reason == "completed"
    assert pairing.end_note == "A good run"
    assert AuditEvent.objects.filter(action="peerlog.pairing_end").exists()
    assert "Went well; time to move on (A good run)" in _text(manager.get(PAGE))


def test_ending_without_a_reason_is_explained_and_the_note_kept(manager, harbor, manager_harbor):
    pairing = _pair(harbor, _senior(harbor), _newer(harbor), manager_harbor)

    response = manager.post(f"{PAGE}pairs/{pairing.pk}/end/", {"reason": "", "note": "Kept"})

    assert response.status_code == 200
    text = _text(response)
    assert "Choose why the pairing ends." in text
    assert 'value="Kept"' in text
    pairing.refresh_from_db()
    assert pairing.is_active


def test_declining_a_request(manager, harbor):
    asked = services.mentor_ask(resident=_newer(harbor), house=harbor)

    response = manager.post(f"{PAGE}requests/{asked.pk}/decline/")

    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == MentorRequest.Status.DECLINED


def test_settings_are_saved_and_audited_and_reading_creates_nothing(manager, harbor):
    response = manager.get(f"{PAGE}settings/")
    assert response.status_code == 200
    assert not MentoringSettings.objects.exists()

    response = manager.post(
        f"{PAGE}settings/", {"mentor_days_sober": 90, "max_mentees": 4, "overdue_days": 10}
    )

    assert response.status_code == 302
    settings = MentoringSettings.objects.get(house=harbor)
    assert (settings.mentor_days_sober, settings.max_mentees, settings.overdue_days) == (90, 4, 10)
    event = AuditEvent.objects.get(action="peerlog.settings")
    assert event.changes == {"mentor_days_sober": 90, "max_mentees": 4, "overdue_days": 10}


def test_bad_settings_are_explained_and_kept(manager, harbor):
    response = manager.post(
        f"{PAGE}settings/", {"mentor_days_sober": 90, "max_mentees": 40, "overdue_days": 10}
    )

    assert response.status_code == 200
    assert "less than or equal to 10" in _text(response)
    assert 'value="90"' in _text(response)
    assert MentoringSettings.objects.get(house=harbor).max_mentees == 3


def test_inviting_a_former_resident_back(manager, harbor):
    alumnus = _senior(harbor, "Alum Back")
    Stay.objects.filter(resident=alumnus).update(move_out=D(2026, 11, 1), exit_reason="completed")
    _newer(harbor, "Still Here")

    page = _text(manager.get(f"{PAGE}settings/"))
    choices = page.split('id="alumni-title"')[1]
    assert "Alum Back" in choices and "Still Here" not in choices

    response = manager.post(f"{PAGE}alumni/", {"resident": alumnus.pk})

    assert response.status_code == 302
    assert AlumniMentor.objects.get(house=harbor, resident=alumnus).active
    assert AuditEvent.objects.filter(action="peerlog.alumni_mentor").exists()
    assert "Alum Back (0 of 3 mentees)" in _text(manager.get(PAGE))


def test_inviting_nobody_is_explained(manager, harbor):
    response = manager.post(f"{PAGE}alumni/", {"resident": ""})

    assert response.status_code == 200
    assert "Choose who to invite back." in _text(response)
    assert not AlumniMentor.objects.exists()


def test_it_checks_the_house(client, harbor, manager_harbor, manager_cedar):
    pairing = _pair(harbor, _senior(harbor), _newer(harbor), manager_harbor)
    asked = services.mentor_ask(resident=_newer(harbor, "Asker"), house=harbor)
    client.force_login(manager_cedar)
    assert client.get(PAGE).status_code == 404
    assert client.get(f"{PAGE}settings/").status_code == 404
    assert client.post(f"{PAGE}pairs/{pairing.pk}/end/", {"reason": "other"}).status_code == 404
    assert client.post(f"{PAGE}requests/{asked.pk}/decline/").status_code == 404
    assert (
        client.post(
            f"/houses/cedar/mentoring/pairs/{pairing.pk}/end/", {"reason": "other"}
        ).status_code
        == 404
    )
    pairing.refresh_from_db()
    assert pairing.is_active


def _pairs(house, by, count):
    MentoringSettings.objects.update_or_create(house=house, defaults={"max_mentees": 10})
    mentors = [_senior(house, f"Mentor {n}") for n in range(count // 10 + 1)]
    for n in range(count):
        pairing = _pair(house, mentors[n // 10], _newer(house, f"Mentee {n}"), by)
        Entry.objects.create(pairing=pairing, author=pairing.mentee, at=NOON, minutes=30)
    services.mentor_ask(resident=_newer(house, "Asker"), house=house)


@pytest.mark.parametrize("count", [2, 20])
def test_the_page_runs_the_same_queries_for_2_and_20_pairs(
    manager, harbor, manager_harbor, django_assert_num_queries, count
):
    _pairs(harbor, manager_harbor, count)
    # session, user, the house, the user's second factor, the houses they manage (navigation),
    # their current stay (navigation); the mentoring settings; active pairs with their contact,
    # the last ended pairs, residents without a mentor, requests waiting; the mentor choices;
    # whether the user reads the pairs' logs (a manager by membership, not staff); the unread
    # count (navigation)
    with django_assert_num_queries(14):
        response = manager.get(PAGE)
    assert response.status_code == 200
    assert f"Mentee {count - 1}" in response.content.decode()


def test_the_dashboard_shows_the_mentoring_panel(manager, harbor, manager_harbor):
    mentor = _senior(harbor)
    _pair(harbor, mentor, _newer(harbor, "Otto Overdue"), manager_harbor)
    services.mentor_ask(resident=_newer(harbor, "Wren Waiting"), house=harbor)

    text = _text(manager.get("/houses/harbor/"))

    panel = text.split('id="mentoring-title"')[1].split("</section>")[0]
    assert "<dt>Pairs</dt><dd>1</dd>" in panel
    assert "<dt>Could use a check-in</dt><dd>1</dd>" in panel
    # Sam Senior and Wren Waiting
    assert "<dt>Without a mentor</dt><dd>2</dd>" in panel
    assert "<dt>Asking for a mentor</dt><dd>1</dd>" in panel
    assert 'href="/houses/harbor/mentoring/"' in panel


def test_staff_see_the_pairs_without_links_to_logs_they_may_not_read(
    client, manager, staff, harbor, manager_harbor
):
    """Staff manage mentoring in every house but read no entries: the page offers them no log,
    where it offers the house's manager one."""
    pairing = _pair(harbor, _senior(harbor), _newer(harbor), manager_harbor)
    log = f'href="/peerlog/pairs/{pairing.pk}/"'
    assert log in _text(manager.get(PAGE))
    client.force_login(staff)
    page = _text(client.get(PAGE))
    assert "Nico Newer" in page
    assert log not in page
