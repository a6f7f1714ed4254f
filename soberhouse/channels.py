"""Where notifications go. Email and the in-app list are always there; another way to reach
people (SMS, web push) is one more class here:

    class SmsChannel(Channel):
        name = "sms"

        def wanted_by(self, preference):
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

from soberhouse.models import Notification, NotificationPreference


class Channel:
    name = ""

    def wanted_by(self, preference: NotificationPreference) -> bool:
        raise NotImplementedError

    def open_batch(self) -> None:
        """Called before a batch: open a connection to share, if the channel has one."""

    def close_batch(self) -> None:
        """Called after a batch, even when it failed."""

    def send(self, notification: Notification) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    """Plain text and HTML from templates. The subject and the first line say only what kind of
    thing is waiting (a count, a time), never a note's words."""

    name = "email"
    connection = None

    def wanted_by(self, preference: NotificationPreference) -> bool:
        return preference.email

    def open_batch(self) -> None:
        """One connection to the mail server for the whole batch (opened on the first send)."""
        self.connection = get_connection()

    def close_batch(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def send(self, notification: Notification) -> None:
        context = {
            "notification": notification,
            "link": f"{settings.SITE_URL}{notification.url}" if notification.url else "",
            # Someone without an account has no preferences to change.
            "preferences": f"{settings.SITE_URL}/notifications/preferences/"
            if notification.recipient
            else "",
        }
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=render_to_string("notifications/email.txt", context),
            to=[notification.recipient.email if notification.recipient else notification.address],
            headers={"Message-ID": f"<notification-{notification.pk}@soberhouse>"},
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
        }
        first = min(notification.pk for notification in notifications)
        message = EmailMultiAlternatives(
            subject=f"Your Soberhouse notifications: {len(notifications)} new",
            body=render_to_string("notifications/digest.txt", context),
            to=[recipient.email],
            headers={"Message-ID": f"<notification-digest-{first}@soberhouse>"},
            connection=self.connection,
        )
        message.attach_alternative(
            render_to_string("notifications/digest.html", context), "text/html"
        )
        message.send(fail_silently=False)


class InAppChannel(Channel):
    """The list in the navigation: a row is there once it is sent."""

    name = "in_app"

    def wanted_by(self, preference: NotificationPreference) -> bool:
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
