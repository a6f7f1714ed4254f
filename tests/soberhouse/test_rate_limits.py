from tests.factories import PASSWORD


def test_repeated_failed_sign_ins_are_slowed_down(client, resident_harbor):
    email = resident_harbor.user.email
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": email, "password": "wrong"})
        assert "Too many failed login attempts" not in response.content.decode()
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
