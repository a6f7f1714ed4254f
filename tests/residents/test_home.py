import pytest
from django.urls import reverse

from tests.factories import make_manager


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("resident_harbor", "/today/"),
        ("manager_harbor", "/houses/harbor/"),
        ("staff", "/houses/"),
    ],
)
def test_it_sends_each_role_to_its_start_page(client, everyone, persona, expected):
    client.force_login(everyone[persona])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == expected


def test_a_manager_of_two_houses_starts_at_the_house_list(client, manager_harbor, cedar):
    from residents.models import Membership

    Membership.objects.create(house=cedar, user=manager_harbor)
    client.force_login(manager_harbor)
    assert client.get("/")["Location"] == "/houses/"


def test_it_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_manager_without_two_factor_is_sent_to_set_it_up(client, harbor):
    manager = make_manager(harbor, email="new.manager@example.test")
    client.force_login(manager)
    response = client.get("/houses/harbor/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_two_factor_can_be_waived_for_the_demo(client, harbor, settings):
    settings.SOBERHOUSE_REQUIRE_MFA = False
    manager = make_manager(harbor, email="demo.manager@example.test")
    client.force_login(manager)
    assert client.get("/houses/harbor/").status_code == 200


def test_a_resident_needs_no_second_factor(client, resident_harbor):
    client.force_login(resident_harbor.user)
    assert client.get("/today/").status_code == 200
