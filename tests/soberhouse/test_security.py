"""Two-factor cannot be sidestepped, pages with health data are not cached, and the audit trail
sees the client's real address and the admin's changes."""

import django.test
import pytest
from django.test import RequestFactory

from soberhouse import audit
from soberhouse.models import AuditEvent
from tests.conftest import turn_on_totp
from tests.factories import UserFactory


def test_a_session_without_the_second_factor_is_sent_to_sign_in_again(manager_harbor):
    plain = django.test.Client()  # force_login without an authenticator code on record
    plain.force_login(manager_harbor)
    response = plain.get("/houses/harbor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=%2Fhouses%2Fharbor%2F")
    assert "_auth_user_id" not in plain.session


def test_the_admin_sign_in_goes_through_allauth(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_superuser_must_turn_on_two_factor(client, db):
    boss = UserFactory(is_superuser=True)
    client.force_login(boss)
    assert client.get("/admin/")["Location"] == "/accounts/2fa/totp/activate/"
    turn_on_totp(boss)
    client.force_login(boss)
    assert client.get("/admin/").status_code == 200


def test_admin_changes_are_audited(client, db):
    boss = UserFactory(is_superuser=True)
    turn_on_totp(boss)
    client.force_login(boss)
    client.post(
        "/admin/residents/house/add/",
        {
            "name": "Oak House",
            "slug": "oak",
            "time_zone": "UTC",
            "beds": 6,
            "address": "",
            "created_at_0": "2026-11-27",
            "created_at_1": "10:00:00",
        },
    )
    event = AuditEvent.objects.get(action="admin.add")
    assert (event.actor, event.object_type) == (boss, "residents.house")


def test_signed_in_pages_are_never_cached(client, resident_harbor):
    client.force_login(resident_harbor.user)
    cache_control = client.get("/today/")["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "10.0.0.2"),  # no proxy: the header is anyone's to forge
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "203.0.113.1, 198.51.100.7", "198.51.100.7"),  # the client put in a fake first hop
        (1, "", "10.0.0.2"),
        (1, "not-an-address", None),
    ],
)
def test_the_audit_trail_reads_the_client_address_behind_proxies(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert audit.client_ip(request) == expected


def test_turning_on_two_factor_counts_as_using_it_and_is_audited(transactional_db, client, harbor):
    # Real commits: allauth announces the new authenticator after its transaction commits.
    from allauth.mfa.totp.internal.auth import (
        SECRET_SESSION_KEY,
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    from tests.factories import PASSWORD, make_manager

    manager = make_manager(harbor, email="fresh.manager@example.test")
    client.post("/accounts/login/", {"login": manager.email, "password": PASSWORD})
    assert client.get("/houses/harbor/")["Location"] == "/accounts/2fa/totp/activate/"
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})  # allauth asks first
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))
    client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert AuditEvent.objects.filter(action="account.two_factor_added", actor=manager).exists()
    assert client.get("/houses/harbor/").status_code == 200  # no second sign-in needed
