from django.core import mail

from soberhouse.models import User
from tests.conftest import emailed_sign_in_code


def test_email_is_the_login_whatever_its_case(client, resident_harbor):
    from tests.factories import PASSWORD

    client.post("/accounts/login/", {"login": "RESIDENT.A@example.test", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(resident_harbor.user.pk)


def test_the_database_refuses_two_people_with_one_email_in_different_case(db):
    import pytest
    from django.db import IntegrityError

    User.objects.create_user("sam@example.test", "x")
    with pytest.raises(IntegrityError):
        User.objects.create(email="Sam@Example.test")


def test_a_resident_signs_in_with_a_code_from_email(client, resident_harbor):
    client.post("/accounts/login/code/", {"email": resident_harbor.user.email})
    assert len(mail.outbox) == 1
    code = emailed_sign_in_code(resident_harbor.user.email)
    assert code not in mail.outbox[0].subject  # nothing secret in a subject line
    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(resident_harbor.user.pk)


def test_a_password_reset_is_emailed(client, resident_harbor):
    client.post("/accounts/password/reset/", {"email": resident_harbor.user.email})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_a_manager_needs_the_second_factor_after_the_password(client, manager_harbor):
    from tests.conftest import totp_code
    from tests.factories import PASSWORD

    response = client.post(
        "/accounts/login/", {"login": manager_harbor.email, "password": PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(manager_harbor)})
    assert client.session["_auth_user_id"] == str(manager_harbor.pk)
