"""House rules: versions a manager publishes, signatures residents type on their phone, and the
manager's view of who has not signed yet."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from residents.models import House, HouseRules, RulesSignature, Stay
from residents.rules import rules_publish, rules_sign, signed_versions, unsigned_residents
from soberhouse.models import AuditEvent
from tests.factories import make_resident

RULES_V1 = "No alcohol or drugs in the house.\nHouse meeting every Sunday at 7 pm."
RULES_V2 = RULES_V1 + "\nQuiet hours from 10 pm."


@pytest.fixture
def harbor_rules(harbor, manager_harbor):
    return rules_publish(house=harbor, text=RULES_V1, by=manager_harbor)


def _sign(rules, resident, typed_name=None, request=None):
    return rules_sign(
        rules=rules,
        resident=resident,
        typed_name=resident.legal_name if typed_name is None else typed_name,
        request=request,
    )


def _discharge(resident, house):
    Stay.objects.filter(resident=resident).update(move_out=house.today(), exit_reason="moved_on")


# Publishing


def test_publishing_numbers_versions_one_after_another(harbor, cedar, manager_harbor, staff):
    first = rules_publish(house=harbor, text=RULES_V1, by=manager_harbor)
    second = rules_publish(house=harbor, text=RULES_V2, by=staff)
    elsewhere = rules_publish(house=cedar, text=RULES_V1, by=staff)

    assert (first.version, second.version, elsewhere.version) == (1, 2, 1)
    assert second.published_by == staff
    published = AuditEvent.objects.filter(action="rules.publish", object_id=str(second.pk)).get()
    assert published.changes == {"house": "harbor", "version": 2}


def test_it_refuses_text_identical_to_the_current_version(harbor_rules, harbor, manager_harbor):
    # The same words as typed in a browser's textarea: Windows line endings, a trailing newline.
    resubmitted = RULES_V1.replace("\n", "\r\n") + "\r\n"
    with pytest.raises(ValidationError, match="same text as version 1"):
        rules_publish(house=harbor, text=resubmitted, by=manager_harbor)
    assert harbor.rules_versions.count() == 1


def test_it_refuses_empty_rules(harbor, manager_harbor):
    with pytest.raises(ValidationError, match="Write the house rules"):
        rules_publish(house=harbor, text=" \r\n ", by=manager_harbor)
    assert not HouseRules.objects.exists()


def test_two_publishes_at_once_take_consecutive_versions(
    transactional_db, harbor, harbor_rules, manager_harbor
):
    """While one transaction holds the house, a second publish waits for it, then numbers its
    version after whatever the first one wrote."""
    outcome: dict[str, object] = {}

    def publish_meanwhile():
        try:
            outcome["rules"] = rules_publish(house=harbor, text=RULES_V2, by=manager_harbor)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = error
        finally:
            connection.close()

    with transaction.atomic():
        House.objects.select_for_update().get(pk=harbor.pk)
        other = threading.Thread(target=publish_meanwhile)
        other.start()
        other.join(timeout=0.5)
        assert other.is_alive(), "the second publish did not wait for the house"
        HouseRules.objects.create(
            house=harbor, version=2, text="Meanwhile", published_by=manager_harbor
        )
    other.join(timeout=10)

    assert "error" not in outcome, outcome.get("error")
    assert outcome["rules"].version == 3
    assert list(harbor.rules_versions.values_list("version", flat=True)) == [3, 2, 1]


# Signing


def test_a_resident_signs_the_current_version(harbor_rules, resident_harbor):
    signature = _sign(harbor_rules, resident_harbor)

    signature.refresh_from_db()
    assert (signature.rules, signature.resident) == (harbor_rules, resident_harbor)
    assert signature.typed_name == "Alex Harbor"
    assert list(signed_versions(resident_harbor)) == [signature]


def test_signing_with_a_wrong_name_is_refused_and_saves_nothing(harbor_rules, resident_harbor):
    with pytest.raises(ValidationError) as refused:
        _sign(harbor_rules, resident_harbor, typed_name="Alex Harb")

    assert refused.value.message_dict == {
        "typed_name": ["Type your full name as it appears on your record: Alex Harbor."]
    }
    assert not RulesSignature.objects.exists()
    assert not AuditEvent.objects.filter(action="rules.sign").exists()


@pytest.mark.parametrize(
    "typed_name",
    [
        "zoë núñez-o’brien",  # as typed: lower case, with a phone's curly apostrophe
        "ZOE NUNEZ-O'BRIEN",  # capitals, no accents
        "  Zoë   Núñez-O'Brien ",  # extra spaces
        "Zoe\u0308 Nun\u0303ez-O'Brien",  # accents as combining marks (another keyboard)
    ],
)
def test_case_accents_and_spaces_do_not_matter(harbor, harbor_rules, typed_name):
    resident = make_resident(harbor, full_name="Zoë Núñez-O'Brien")

    signature = _sign(harbor_rules, resident, typed_name=typed_name)

    assert RulesSignature.objects.get() == signature
    assert signature.typed_name == " ".join(typed_name.split())


def test_only_the_current_version_can_be_signed(
    harbor_rules, harbor, manager_harbor, resident_harbor
):
    rules_publish(house=harbor, text=RULES_V2, by=manager_harbor)

    with pytest.raises(ValidationError, match="newer version"):
        _sign(harbor_rules, resident_harbor)
    assert not RulesSignature.objects.exists()


def test_only_residents_of_the_house_can_sign_its_rules(harbor_rules, resident_cedar):
    with pytest.raises(ValidationError, match="Only people living at Harbor House"):
        _sign(harbor_rules, resident_cedar)
    assert not RulesSignature.objects.exists()


def test_a_discharged_resident_cannot_sign(client, harbor_rules, harbor, resident_harbor):
    _discharge(resident_harbor, harbor)

    with pytest.raises(ValidationError, match="Only people living at Harbor House"):
        _sign(harbor_rules, resident_harbor)
    client.force_login(resident_harbor.user)
    assert client.get("/rules/").status_code == 404
    assert not RulesSignature.objects.exists()


def test_signing_twice_keeps_the_first_signature(harbor_rules, resident_harbor):
    first = _sign(harbor_rules, resident_harbor)
    again = _sign(harbor_rules, resident_harbor, typed_name="alex harbor")

    assert again == first
    assert again.typed_name == "Alex Harbor"
    assert RulesSignature.objects.count() == 1
    assert AuditEvent.objects.filter(action="rules.sign").count() == 1


def test_signing_is_audited_with_the_ip(client, harbor_rules, resident_harbor):
    client.force_login(resident_harbor.user)
    response = client.post(
        "/rules/",
        {"typed_name": "Alex Harbor", "agree": "on", "version": 1},
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 302
    signature = RulesSignature.objects.get(resident=resident_harbor, rules=harbor_rules)
    assert signature.ip == "203.0.113.9"
    event = AuditEvent.objects.get(action="rules.sign")
    assert (event.actor, event.ip, event.object_id) == (
        resident_harbor.user,
        "203.0.113.9",
        str(signature.pk),
    )
    assert event.changes == {"house": "harbor", "version": 1, "resident": resident_harbor.pk}


# The resident's page, /rules/


def test_the_sign_page_shows_the_rules_and_the_form(client, harbor_rules, resident_harbor):
    client.force_login(resident_harbor.user)
    response = client.get("/rules/")

    assert response.status_code == 200
    assert b"<p>No alcohol or drugs in the house.<br>House meeting" in response.content
    assert b"I have read the house rules and agree to keep them" in response.content
    assert b'name="typed_name"' in response.content


def test_signing_lands_on_today_with_thanks(client, harbor_rules, resident_harbor):
    client.force_login(resident_harbor.user)
    response = client.post("/rules/", {"typed_name": " alex  HARBOR ", "agree": "on", "version": 1})

    assert response.status_code == 302
    assert response["Location"] == "/today/"
    assert RulesSignature.objects.filter(resident=resident_harbor, rules=harbor_rules).exists()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Thank you for signing the Harbor House rules. Keeping them together is what makes the "
        "house a safe place to recover."
    ]


def test_a_wrong_name_is_explained_beside_the_field_and_kept(client, harbor_rules, resident_harbor):
    client.force_login(resident_harbor.user)
    response = client.post("/rules/", {"typed_name": "Alex", "agree": "on", "version": 1})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "typed_name": ["Type your full name as it appears on your record: Alex Harbor."]
    }
    assert b'id="id_typed_name_error"' in response.content
    assert b'value="Alex"' in response.content
    assert not RulesSignature.objects.exists()


def test_the_box_must_be_ticked(client, harbor_rules, resident_harbor):
    client.force_login(resident_harbor.user)
    response = client.post("/rules/", {"typed_name": "Alex Harbor", "version": 1})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["agree"]
    assert b'value="Alex Harbor"' in response.content
    assert not RulesSignature.objects.exists()


def test_rules_published_while_reading_are_not_signed_unread(
    client, harbor_rules, harbor, manager_harbor, resident_harbor
):
    client.force_login(resident_harbor.user)
    rules_publish(house=harbor, text=RULES_V2, by=manager_harbor)

    response = client.post("/rules/", {"typed_name": "Alex Harbor", "agree": "on", "version": 1})

    assert response.status_code == 302
    assert response["Location"] == "/rules/"
    assert not RulesSignature.objects.exists()


def test_a_second_tap_after_signing_is_thanked_again(client, harbor_rules, resident_harbor):
    _sign(harbor_rules, resident_harbor)
    client.force_login(resident_harbor.user)

    response = client.post("/rules/", {"typed_name": "Alex Harbor", "agree": "on", "version": 1})

    assert response.status_code == 302
    assert response["Location"] == "/today/"
    assert RulesSignature.objects.count() == 1


def test_earlier_signed_versions_stay_readable(
    client, harbor_rules, harbor, manager_harbor, resident_harbor
):
    _sign(harbor_rules, resident_harbor)
    current = rules_publish(house=harbor, text=RULES_V2, by=manager_harbor)
    _sign(current, resident_harbor)
    client.force_login(resident_harbor.user)

    response = client.get("/rules/")

    assert response.context["form"] is None
    assert response.context["signed_now"].rules == current
    assert [s.rules.version for s in response.context["earlier"]] == [1]
    assert b"Rules you signed before" in response.content
    assert b"<details>" in response.content
    assert b"You signed version 2 on" in response.content


def test_a_house_without_rules_says_so(client, resident_harbor):
    client.force_login(resident_harbor.user)
    response = client.get("/rules/")

    assert response.status_code == 200
    assert b"Harbor House has no house rules written down yet" in response.content
    assert response.context["form"] is None


# The manager's page, /houses/<slug>/rules/


def test_unsigned_residents_are_exactly_those_living_here_who_have_not_signed(
    harbor, cedar, harbor_rules, resident_harbor, resident_cedar
):
    signed = make_resident(harbor, full_name="Sam Signed")
    waiting = make_resident(harbor, full_name="Robin Waiting")
    gone = make_resident(harbor, full_name="Pat Gone")
    arriving = make_resident(
        harbor, full_name="Kim Arriving", move_in=harbor.today() + dt.timedelta(days=10)
    )
    _sign(harbor_rules, signed)
    _discharge(gone, harbor)

    assert list(unsigned_residents(harbor, harbor_rules)) == [resident_harbor, waiting]
    assert arriving not in unsigned_residents(harbor, harbor_rules)
    assert list(unsigned_residents(cedar, None)) == []


def test_the_manager_page_lists_exactly_the_unsigned_residents(
    client, manager_harbor, harbor, harbor_rules, resident_harbor, resident_cedar
):
    signed = make_resident(harbor, full_name="Sam Signed")
    waiting = make_resident(harbor, full_name="Robin Waiting")
    _sign(harbor_rules, signed)
    client.force_login(manager_harbor)

    response = client.get("/houses/harbor/rules/")

    assert response.status_code == 200
    assert response.context["unsigned"] == [resident_harbor, waiting]
    assert b"2 of 3 residents have not signed version 1 yet." in response.content
    assert f'href="/residents/{waiting.pk}/"'.encode() in response.content
    assert f'href="/residents/{signed.pk}/"'.encode() not in response.content


def test_the_manager_page_runs_the_same_queries_for_3_and_12_residents(
    client, manager_harbor, harbor, harbor_rules, django_assert_num_queries
):
    current = rules_publish(house=harbor, text=RULES_V2, by=manager_harbor)
    client.force_login(manager_harbor)
    for total in (3, 12):
        for added in range(total - Stay.objects.filter(house=harbor).count()):
            resident = make_resident(harbor)
            if added % 2:
                _sign(current, resident)
        # session, user, two-factor check (middleware), managed houses (access decorator), the
        # house, its versions with their publishers, the unsigned residents, the count of people
        # living here, the viewer's current stay (navigation), the unread count (navigation)
        with django_assert_num_queries(10):
            response = client.get("/houses/harbor/rules/")
        assert response.context["living_here"] == total


def test_a_manager_publishes_a_new_version(client, manager_harbor, harbor, harbor_rules):
    client.force_login(manager_harbor)
    page = client.get("/houses/harbor/rules/")
    assert page.context["form"].initial == {"text": RULES_V1}

    response = client.post("/houses/harbor/rules/", {"text": RULES_V2.replace("\n", "\r\n")})

    assert response.status_code == 302
    assert response["Location"] == "/houses/harbor/rules/"
    current = harbor.rules_versions.get(version=2)
    assert (current.text, current.published_by) == (RULES_V2, manager_harbor)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Version 2 is published. Residents will be asked to read and sign it."
    ]


def test_publishing_the_same_text_is_explained_beside_the_field(
    client, manager_harbor, harbor, harbor_rules
):
    client.force_login(manager_harbor)
    response = client.post("/houses/harbor/rules/", {"text": RULES_V1 + "\n"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["text"]
    assert b'id="id_text_error"' in response.content
    assert b"same text as version 1" in response.content
    assert harbor.rules_versions.count() == 1


def test_older_versions_are_folded_away(client, manager_harbor, harbor, harbor_rules):
    rules_publish(house=harbor, text=RULES_V2, by=manager_harbor)
    client.force_login(manager_harbor)

    response = client.get("/houses/harbor/rules/")

    assert [rules.version for rules in response.context["older"]] == [1]
    assert response.content.count(b"<details>") == 1


def test_a_resident_of_cedar_cannot_open_the_harbor_rules_page(client, resident_cedar, harbor):
    client.force_login(resident_cedar.user)
    assert client.get("/houses/harbor/rules/").status_code == 404


def test_a_manager_of_cedar_cannot_open_or_publish_the_harbor_rules(client, manager_cedar, harbor):
    client.force_login(manager_cedar)
    assert client.get("/houses/harbor/rules/").status_code == 404
    assert client.post("/houses/harbor/rules/", {"text": RULES_V1}).status_code == 404
    assert not HouseRules.objects.exists()


def test_staff_can_manage_any_houses_rules(client, staff, harbor):
    client.force_login(staff)
    assert client.get("/houses/harbor/rules/").status_code == 200


@pytest.mark.parametrize("persona", ["manager_harbor", "staff"])
def test_someone_without_a_current_stay_gets_404_on_the_sign_page(client, everyone, persona):
    client.force_login(everyone[persona])
    assert client.get("/rules/").status_code == 404


def test_the_sign_page_requires_login(client, db):
    response = client.get("/rules/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_signature_dates_in_the_houses_own_zone(client, harbor_rules, resident_harbor):
    signature = _sign(harbor_rules, resident_harbor)
    # 03:30 UTC on 2 June is still the evening of 1 June in Los Angeles.
    RulesSignature.objects.filter(pk=signature.pk).update(
        signed_at=dt.datetime(2026, 6, 2, 3, 30, tzinfo=dt.UTC)
    )
    client.force_login(resident_harbor.user)

    assert b"You signed version 1 on 1 June 2026" in client.get("/rules/").content


def test_a_resident_welcomed_back_signs_the_rules_again(resident_harbor, manager_harbor, harbor):
    from residents import services
    from residents.selectors import roster

    rules = rules_publish(house=harbor, text="Be kind.", by=manager_harbor)
    rules_sign(rules=rules, resident=resident_harbor, typed_name="Alex Harbor")
    first = resident_harbor.stays.get()
    Stay.objects.filter(pk=first.pk).update(
        move_in=harbor.today() - dt.timedelta(days=60),
        move_out=harbor.today() - dt.timedelta(days=10),
        exit_reason="moved_on",
    )
    services.resident_readmit(
        resident=resident_harbor, house=harbor, move_in=harbor.today(), by=manager_harbor
    )
    (row,) = roster(harbor)
    assert row.signed_current_rules is False
    rules_sign(rules=rules, resident=resident_harbor, typed_name="Alex Harbor")
    (row,) = roster(harbor)
    assert row.signed_current_rules is True
    assert resident_harbor.rules_signatures.count() == 2
