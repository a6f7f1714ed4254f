import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from residents.invitations import (
    _queue_email,
    invitation_create,
    invitation_from_token,
    invitation_revoke,
    invitation_token,
)
from residents.models import Invitation, Membership, Stay
from soberhouse import outbox
from soberhouse.models import AuditEvent, Notification, User

NEW_PASSWORD = "a-long-new-password-41"


@pytest.fixture
def invitation(harbor, manager_harbor):
    invitation = invitation_create(
        house=harbor,
        email="Newcomer@Example.test",
        full_name="Nico Newcomer",
        role=Invitation.Role.RESIDENT,
        by=manager_harbor,
    )
    outbox.dispatch()
    return invitation


def _accept(client, invitation, **data):
    form = {"full_name": "Nico Newcomer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post(f"/invite/{invitation_token(invitation)}/", {**form, **data})


def test_creating_an_invitation_emails_a_link(invitation):
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newcomer@example.test"]
    # The link's token names this invitation (compared by meaning: it carries the second it
    # was signed, which may differ from a token made here a moment later).
    token = re.search(r"/invite/([^/\s]+)/", message.body).group(1)
    assert invitation_from_token(token) == invitation
    assert message.subject == "You are invited to Soberhouse"
    assert "Hello Nico Newcomer," in message.body
    assert "Harbor House" in message.body
    assert "preferences" not in message.body  # someone without an account has none
    assert "Harbor House" in message.alternatives[0][0]


def test_the_email_is_a_row_in_the_outbox_written_with_the_invitation(harbor, manager_harbor):
    invitation = invitation_create(
        house=harbor, email="row@example.test", role=Invitation.Role.RESIDENT, by=manager_harbor
    )
    row = Notification.objects.get()
    assert (row.recipient, row.address, row.kind, row.channel, row.status) == (
        None,
        "row@example.test",
        "invitations",
        "email",
        "pending",
    )
    assert (row.about_type, row.about_id, row.house_id) == (
        "residents.invitation",
        str(invitation.pk),
        harbor.pk,
    )
    assert mail.outbox == []  # nothing leaves before the dispatcher takes it
    assert outbox.dispatch().sent == 1
    assert outbox.dispatch().sent == 0
    assert len(mail.outbox) == 1


def test_a_rolled_back_invitation_leaves_no_email_behind(harbor, manager_harbor):
    with pytest.raises(RuntimeError), transaction.atomic():
        invitation_create(
            house=harbor,
            email="never@example.test",
            role=Invitation.Role.RESIDENT,
            by=manager_harbor,
        )
        raise RuntimeError("the request failed after the invitation was written")
    assert not Notification.objects.exists()
    outbox.dispatch()
    assert mail.outbox == []


def test_the_same_invitation_is_emailed_once_however_often_it_is_queued(harbor, manager_harbor):
    invitation = invitation_create(
        house=harbor, email="once@example.test", role=Invitation.Role.RESIDENT, by=manager_harbor
    )
    _queue_email(invitation)
    _queue_email(invitation)
    assert Notification.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            **{
                field: getattr(Notification.objects.get(), field)
                for field in ("address", "kind", "about_type", "about_id", "channel")
            },
            subject="again",
            text="",
            due_at=timezone.now(),
            send_after=timezone.now(),
        )


def test_a_row_for_nobody_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError):
        Notification.objects.create(
            kind="invitations",
            about_type="residents.invitation",
            about_id="1",
            channel="email",
            subject="nobody",
            text="",
            due_at=timezone.now(),
            send_after=timezone.now(),
        )


def test_a_withdrawn_invitation_is_not_emailed(manager_harbor, harbor):
    invitation = invitation_create(
        house=harbor, email="gone@example.test", role=Invitation.Role.RESIDENT, by=manager_harbor
    )
    invitation_revoke(invitation=invitation, by=manager_harbor)
    assert Notification.objects.get().status == "cancelled"
    outbox.dispatch()
    assert mail.outbox == []


def test_a_manager_invites_a_resident_from_the_house(client, manager_harbor, harbor):
    client.force_login(manager_harbor)
    response = client.post(
        "/houses/harbor/invite/", {"email": "sam@example.test", "full_name": "", "role": "resident"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="sam@example.test")
    assert (invitation.role, invitation.house, invitation.invited_by) == (
        "resident",
        harbor,
        manager_harbor,
    )
    assert AuditEvent.objects.filter(action="invitation.create", object_id=invitation.pk).exists()


def test_a_manager_cannot_invite_a_manager(client, manager_harbor):
    client.force_login(manager_harbor)
    response = client.post(
        "/houses/harbor/invite/", {"email": "boss@example.test", "role": "manager"}
    )
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert response.context["form"]["email"].value() == "boss@example.test"  # nothing lost
    assert not Invitation.objects.exists()


def test_staff_invite_a_manager(client, staff, harbor):
    client.force_login(staff)
    client.post("/houses/harbor/invite/", {"email": "boss@example.test", "role": "manager"})
    assert Invitation.objects.get(email="boss@example.test").role == "manager"


def test_a_bad_email_is_explained_beside_the_field(client, manager_harbor):
    client.force_login(manager_harbor)
    response = client.post("/houses/harbor/invite/", {"email": "not an email", "role": "resident"})
    assert "Enter a valid email address." in response.content.decode()


def test_accepting_creates_the_person_with_their_role(client, invitation, harbor):
    response = _accept(client, invitation)
    assert response.status_code == 302
    user = User.objects.get(email="newcomer@example.test")
    assert user.full_name == "Nico Newcomer"
    assert user.check_password(NEW_PASSWORD)
    stay = Stay.objects.get(resident__user=user)
    assert (stay.house, stay.move_in, stay.move_out) == (harbor, harbor.today(), None)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert client.get("/").url == "/today/"  # signed in


def test_accepting_a_manager_invitation_gives_the_house(client, staff, harbor):
    invitation = invitation_create(
        house=harbor, email="boss@example.test", role=Invitation.Role.MANAGER, by=staff
    )
    _accept(client, invitation)
    assert Membership.objects.filter(house=harbor, user__email="boss@example.test").exists()


def test_a_used_link_is_refused(client, invitation):
    _accept(client, invitation)
    client.logout()
    response = client.get(f"/invite/{invitation_token(invitation)}/")
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    response = _accept(client, invitation, full_name="Someone Else")
    assert response.status_code == 410
    assert User.objects.filter(email="newcomer@example.test").count() == 1


def test_an_expired_link_is_refused(client, invitation):
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        response = client.get(f"/invite/{invitation_token(invitation)}/")
        assert response.status_code == 410
        assert "expired" in response.content.decode()
        _accept(client, invitation)
    assert not User.objects.filter(email="newcomer@example.test").exists()


def test_a_link_still_works_just_before_it_expires(client, invitation):
    with time_machine.travel(timezone.now() + dt.timedelta(days=6, hours=23)):
        assert client.get(f"/invite/{invitation_token(invitation)}/").status_code == 200


@pytest.mark.parametrize(
    "alter",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: "1" + token[1:] if token[0] != "1" else "2" + token[1:],
        lambda token: "nothing-like-a-token",
    ],
)
def test_an_altered_link_is_refused(client, invitation, alter):
    response = client.get(f"/invite/{alter(invitation_token(invitation))}/")
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_a_withdrawn_link_is_refused(client, invitation, manager_harbor):
    client.force_login(manager_harbor)
    client.post(f"/houses/harbor/invitations/{invitation.pk}/revoke/")
    client.logout()
    response = client.get(f"/invite/{invitation_token(invitation)}/")
    assert "withdrawn" in response.content.decode()


def test_passwords_that_differ_keep_what_was_typed(client, invitation):
    response = _accept(client, invitation, password2="something-else-entirely")
    assert response.status_code == 200
    assert "differ" in response.content.decode()
    assert response.context["form"]["full_name"].value() == "Nico Newcomer"
    assert not User.objects.filter(email="newcomer@example.test").exists()


def test_an_existing_person_signs_in_then_accepts(client, staff, resident_cedar, harbor):
    invitation = invitation_create(
        house=harbor, email=resident_cedar.user.email, role=Invitation.Role.MANAGER, by=staff
    )
    url = f"/invite/{invitation_token(invitation)}/"
    assert "Sign in" in client.get(url).content.decode()
    client.force_login(resident_cedar.user)
    client.post(url)
    assert Membership.objects.filter(house=harbor, user=resident_cedar.user).exists()


def test_nobody_can_sign_up_without_an_invitation(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "stranger@example.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Joining is by invitation" in response.content.decode()
    assert not User.objects.filter(email="stranger@example.test").exists()


def test_sign_in_by_code_creates_no_account(client, db):
    client.post("/accounts/login/code/", {"email": "stranger@example.test"})
    assert not User.objects.filter(email="stranger@example.test").exists()


def test_an_old_link_cannot_move_a_discharged_person_back_in(client, manager_harbor, harbor):
    from residents import services

    with_stay = services.resident_admit(
        house=harbor,
        by=manager_harbor,
        email="gone@example.test",
        person={"legal_name": "Gone Person"},
        sobriety_date=None,
        contacts=[{"name": "Kin", "relation": "Sibling", "phone": "+1 555 0100"}],
        move_in=harbor.today(),
    )
    invitation = Invitation.objects.get(email="gone@example.test")
    services.resident_discharge(
        stay=with_stay, move_out=harbor.today(), exit_reason="moved_on", by=manager_harbor
    )
    response = client.get(f"/invite/{invitation_token(invitation)}/")
    assert "withdrawn" in response.content.decode()
    assert Stay.objects.filter(resident__user__email="gone@example.test").count() == 1


def test_a_past_resident_is_welcomed_back_by_a_manager_not_by_a_link(
    client, manager_harbor, staff, resident_harbor, harbor
):
    Stay.objects.filter(resident=resident_harbor).update(
        move_out=harbor.today(), exit_reason="completed"
    )
    resident_harbor.user.set_unusable_password()
    resident_harbor.user.save()
    invitation = invitation_create(
        house=harbor, email=resident_harbor.user.email, role=Invitation.Role.RESIDENT, by=staff
    )
    response = _accept(client, invitation)
    assert response.status_code == 410
    assert "welcome you back" in response.content.decode()
    assert resident_harbor.stays.count() == 1
