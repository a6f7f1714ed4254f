"""Where notifications go. Email and the in-app list are always there; another way to reach
people (SMS, web push) is one more class here:

    class SmsChannel(Channel):
        name = "sms"

        def wanted_by(self, preference, kind):
            return preference.sms  # a field to add to NotificationPreference

        def send(self, notification):
            gateway.send(notification.recipient.phone, notification.subject)  # raise on failure

and its instance added to ``CHANNELS``. ``send`` raises when the message did not go: the
dispatcher then retries the row with a growing wait and, in the end, marks it failed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

from soberhouse import mail
from soberhouse.models import Notification, NotificationPreference


class Channel:
    name = ""

    def wanted_by(self, preference: NotificationPreference, kind: str) -> bool:
        raise NotImplementedError

    def open_batch(self) -> None:
        """Called before a batch: open a connection to share, if the channel has one."""

    def close_batch(self) -> None:
        """Called after a batch, even when it failed."""

    def send(self, notification: Notification) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    """Plain text and HTML from templates. The subject and the first line say only what kind of
    thing is waiting (a count, a time), never a note's words. A notification to a person
    carries a one-click unsubscribe from its kind (the digest: from notification emails); an
    invitation, to someone with no account, has nothing to unsubscribe from."""

    name = "email"
    connection = None

    def wanted_by(self, preference: NotificationPreference, kind: str) -> bool:
        return preference.email and kind not in preference.email_muted_kinds

    def open_batch(self) -> None:
        """One connection to the mail server for the whole batch (opened on the first send)."""
        self.connection = get_connection()

    def close_batch(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def send(self, notification: Notification) -> None:
        headers = {"Message-ID": message_id_of("notification", notification)}
        unsubscribe = ""
        # Someone without an account has no preferences to change.
        if notification.recipient_id:
            headers |= mail.unsubscribe_headers(notification.recipient_id, notification.kind)
            unsubscribe = mail.unsubscribe_url(notification.recipient_id, notification.kind)
        context = {
            "notification": notification,
            "link": f"{settings.SITE_URL}{notification.url}" if notification.url else "",
            "preferences": f"{settings.SITE_URL}/notifications/preferences/"
            if notification.recipient
            else "",
            "unsubscribe": unsubscribe,
        }
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=render_to_string("notifications/email.txt", context),
            to=[notification.recipient.email if notification.recipient else notification.address],
            headers=headers,
            connection=self.connection,
        )
        message.attach_alternative(
            render_to_string("notifications/email.html", context), "text/html"
        )
        message.send(fail_silently=False)

    def send_digest(self, notifications: list[Notification]) -> None:
        """One email to one person listing several notifications: each one's subject and link,
        nothing more (the subjects hold nothing sensitive; the texts are left out)."""
        recipient = notifications[0].recipient
        context = {
            "recipient": recipient,
            "items": [
                {
                    "subject": notification.subject,
                    "link": f"{settings.SITE_URL}{notification.url}" if notification.url else "",
                }
                for notification in notifications
            ],
            "preferences": f"{settings.SITE_URL}/notifications/preferences/",
            "unsubscribe": mail.unsubscribe_url(recipient.pk, mail.ALL_KINDS),
        }
        first = min(notifications, key=lambda notification: notification.pk)
        message = EmailMultiAlternatives(
            subject=f"Your Soberhouse notifications: {len(notifications)} new",
            body=render_to_string("notifications/digest.txt", context),
            to=[recipient.email],
            headers={
                "Message-ID": message_id_of("digest", first),
                **mail.unsubscribe_headers(recipient.pk, mail.ALL_KINDS),
            },
            connection=self.connection,
        )
        message.attach_alternative(
            render_to_string("notifications/digest.html", context), "text/html"
        )
        message.send(fail_silently=False)


def message_id_of(what: str, notification: Notification) -> str:
    """The email's Message-ID: the same for the same row every time it is sent, so a copy sent
    twice folds away, and no other row's in this install or any other (its creation time and
    the site's domain)."""
    return mail.message_id(
        what, notification.pk, notification.created_at.strftime("%Y%m%d%H%M%S%f")
    )


class InAppChannel(Channel):
    """The list in the navigation: a row is there once it is sent."""

    name = "in_app"

    def wanted_by(self, preference: NotificationPreference, kind: str) -> bool:
        return preference.in_app

    def send(self, notification: Notification) -> None:
        return None


EMAIL = EmailChannel()  # the digest is email's alone
CHANNELS: list[Channel] = [EMAIL, InAppChannel()]


def channel_named(name: str) -> Channel:
    for channel in CHANNELS:
        if channel.name == name:
            return channel
    raise LookupError(f"No channel is called {name!r}.")
