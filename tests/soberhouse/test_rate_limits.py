from residents.adapters import SIGN_IN_MESSAGES
from tests.factories import PASSWORD

TOO_MANY = SIGN_IN_MESSAGES["too_many_login_attempts"]


def test_repeated_failed_sign_ins_are_slowed_down(client, resident_harbor):
    email = resident_harbor.user.email
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": email, "password": "wrong"})
        assert TOO_MANY not in response.content.decode()
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session
