"""The notification outbox: every app writes its notifications here, in the same transaction as
their cause, and the dispatcher delivers them.

- ``notify`` writes one row per channel the person wants. A unique key makes a second copy
  impossible, so a cause seen twice, or in two workers at once, still notifies once. A person's
  quiet hours (in their house's zone) push the moment to send past them. A person who chose
  the digest has their email rows held until 18:00 that day (or the next) in the same zone.
- ``cancel`` withdraws what was not sent yet when its cause goes away (a chore done, a meeting
  cancelled, a resident gone). ``settle`` does that for a notice that asked the person to act
  (vote, answer, check) once the act is done or can no longer be: what was sent already stays
  in their list but no longer counts as new.
- ``dispatch`` claims a batch of due rows by a conditional update under ``SKIP LOCKED`` and a
  lease: several workers share the work and never hold the same row at once, and a worker killed
  mid-batch loses nothing — when its lease runs out another worker takes the rows it had not
  marked sent. Each row is marked sent the moment its channel accepts it, so only a kill in the
  instant between the two could send one again (the email's Message-ID is the row's, so mail
  programs fold such a copy away). A failure is retried with a growing wait, and after
  ``MAX_ATTEMPTS`` the row is failed and shown, with its error, to the house's manager and staff.
  A digest person's email rows held to the same moment go as one email and are marked sent
  together, even when the batch size cut them apart.

Channels are small classes (``channels.py``): adding SMS or web push is one class there.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from soberhouse import audit, mail
from soberhouse.channels import CHANNELS, EMAIL, channel_named
from soberhouse.clock import wall_clock
from soberhouse.models import Notification, NotificationPreference, User

MAX_ATTEMPTS = 5
LEASE = dt.timedelta(minutes=5)
BATCH_SIZE = 100


def preference_of(user: User) -> NotificationPreference:
    """The person's preferences, or the defaults (unsaved) when they have set none."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )


def after_quiet_hours(
    moment: dt.datetime, preference: NotificationPreference, time_zone: str
) -> dt.datetime:
    """``moment``, or the end of the person's quiet hours when it falls inside them. Quiet hours
    may run over midnight (22:00 to 07:00). The end is a wall-clock time in ``time_zone``, found
    again on the day it falls, so a DST change neither skips nor doubles it."""
    start, end = preference.quiet_from, preference.quiet_until
    if start is None or end is None or start == end:
        return moment
    zone = zoneinfo.ZoneInfo(time_zone)
    local = moment.astimezone(zone)
    at = local.time().replace(tzinfo=None)
    if start < end:
        inside, end_day = start <= at < end, local.date()
    else:  # over midnight
        inside = at >= start or at < end
        end_day = local.date() + dt.timedelta(days=1) if at >= start else local.date()
    if not inside:
        return moment
    return wall_clock(end_day, end, time_zone).astimezone(dt.UTC)


DIGEST_AT = dt.time(18, 0)


def next_digest(moment: dt.datetime, time_zone: str) -> dt.datetime:
    """The first 18:00 in ``time_zone`` at or after ``moment``. Built from the local date and the
    wall-clock time, so a DST change never moves it to 17:00 or 19:00."""
    zone = zoneinfo.ZoneInfo(time_zone)
    day = moment.astimezone(zone).date()
    wall = wall_clock(day, DIGEST_AT, time_zone)
    if wall < moment:
        wall = wall_clock(day + dt.timedelta(days=1), DIGEST_AT, time_zone)
    return wall.astimezone(dt.UTC)


def _send_after(
    channel: str, due_at: dt.datetime, preference: NotificationPreference, time_zone: str
) -> dt.datetime:
    # Only email is gathered: the in-app list stays immediate.
    moment = next_digest(due_at, time_zone) if channel == "email" and preference.digest else due_at
    return after_quiet_hours(moment, preference, time_zone)


def about_key(about: models.Model) -> tuple[str, str]:
    return about._meta.label_lower, str(about.pk)


def notify(
    *,
    recipient: User,
    kind: str,
    about: models.Model,
    due_at: dt.datetime,
    subject: str,
    text: str,
    occurrence: str = "",
    url: str = "",
    house_id: int | None = None,
    time_zone: str = "UTC",
) -> int:
    """Write the notification for each channel the person wants; returns how many rows that is
    (rows pending or sent already are left as they were; a cancelled one is queued again). Call
    it inside the cause's transaction."""
    preference = preference_of(recipient)
    if kind in preference.muted_kinds or not recipient.is_active:
        return 0
    about_type, about_id = about_key(about)
    send_after = {
        channel.name: _send_after(channel.name, due_at, preference, time_zone)
        for channel in CHANNELS
    }
    rows = [
        Notification(
            recipient=recipient,
            kind=kind,
            about_type=about_type,
            about_id=about_id,
            occurrence=occurrence,
            channel=channel.name,
            house_id=house_id,
            subject=subject[:150],
            text=text,
            url=url,
            due_at=due_at,
            send_after=send_after[channel.name],
        )
        for channel in CHANNELS
        if channel.wanted_by(preference, kind)
    ]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    # A row cancelled earlier whose cause has come back (a meeting moved back to its first time)
    # is wanted again: the same row goes back in the queue. Sent rows stay sent.
    Notification.objects.filter(
        recipient=recipient,
        kind=kind,
        about_type=about_type,
        about_id=about_id,
        occurrence=occurrence,
        channel__in=[row.channel for row in rows],
        status=Notification.Status.CANCELLED,
    ).update(
        status=Notification.Status.PENDING,
        subject=subject[:150],
        text=text,
        url=url,
        due_at=due_at,
        send_after=models.Case(
            *(models.When(channel=row.channel, then=models.Value(row.send_after)) for row in rows),
            output_field=models.DateTimeField(),
        ),
        claimed_until=None,
        attempts=0,
        last_error="",
    )
    return len(rows)


def notify_address(
    *,
    address: str,
    kind: str,
    about: models.Model,
    subject: str,
    text: str,
    url: str = "",
    house_id: int | None = None,
    due_at: dt.datetime | None = None,
) -> None:
    """Write an email to someone who has no account yet (an invitation): no preferences, no
    quiet hours, email only. Written in the cause's transaction like every other row, so it
    goes out once the broker and mail server answer, however long that takes."""
    about_type, about_id = about_key(about)
    due_at = due_at or timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                address=address,
                kind=kind,
                about_type=about_type,
                about_id=about_id,
                channel=EMAIL.name,
                house_id=house_id,
                subject=subject[:150],
                text=text,
                url=url,
                due_at=due_at,
                send_after=due_at,
            )
        ],
        ignore_conflicts=True,
    )


def cancel(
    *,
    about: models.Model,
    kind: str | None = None,
    occurrence: str | None = None,
    recipient: User | None = None,
) -> int:
    """Cancel what is still pending about ``about`` (of one kind, occurrence or person when
    given); returns how many rows."""
    about_type, about_id = about_key(about)
    pending = Notification.objects.filter(
        about_type=about_type, about_id=about_id, status=Notification.Status.PENDING
    )
    if kind is not None:
        pending = pending.filter(kind=kind)
    if occurrence is not None:
        pending = pending.filter(occurrence=occurrence)
    if recipient is not None:
        pending = pending.filter(recipient=recipient)
    return pending.update(status=Notification.Status.CANCELLED, claimed_until=None)


def settle(
    *,
    about: models.Model,
    kind: str,
    recipient: User | None = None,
    now: dt.datetime | None = None,
) -> int:
    """The notice asked the person to act, and nothing is waiting for them any more (they
    acted, someone else did, or the chance passed): cancel what is still pending and mark the
    in-app notices already sent read, so that they leave the person's count of new ones (their
    first read time is kept where they had read them). Returns how many rows changed."""
    changed = cancel(about=about, kind=kind, recipient=recipient)
    about_type, about_id = about_key(about)
    unread = Notification.objects.filter(
        about_type=about_type,
        about_id=about_id,
        kind=kind,
        channel="in_app",
        status=Notification.Status.SENT,
        read_at__isnull=True,
    )
    if recipient is not None:
        unread = unread.filter(recipient=recipient)
    return changed + unread.update(read_at=now or timezone.now())


@transaction.atomic
def email_unsubscribe(*, user: User, kind: str, request: HttpRequest | None = None) -> bool:
    """Stop email of one kind to the person (``mail.ALL_KINDS``: every notification email), as
    an email's one-click unsubscribe asks; what is still waiting to go by email is withdrawn.
    The in-app list keeps coming. Returns False when that email was off already."""
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    before = {"email": preference.email, "email_muted_kinds": list(preference.email_muted_kinds)}
    if kind == mail.ALL_KINDS:
        preference.email = False
    elif kind not in preference.email_muted_kinds:
        preference.email_muted_kinds = [*preference.email_muted_kinds, kind]
    changes = audit.diff(
        before, {"email": preference.email, "email_muted_kinds": preference.email_muted_kinds}
    )
    if not changes:
        return False
    preference.save(update_fields=["email", "email_muted_kinds"])
    waiting = Notification.objects.filter(
        recipient=user, channel=EMAIL.name, status=Notification.Status.PENDING
    )
    if kind != mail.ALL_KINDS:
        waiting = waiting.filter(kind=kind)
    waiting.update(status=Notification.Status.CANCELLED, claimed_until=None)
    audit.record(
        action="notifications.unsubscribed",
        actor=user,
        request=request,
        obj=preference,
        changes=changes,
    )
    return True


# Dispatch

_CLAIM = """
UPDATE soberhouse_notification SET claimed_until = %(until)s
WHERE id IN (
    SELECT id FROM soberhouse_notification
    WHERE status = 'pending' AND send_after <= %(now)s
      AND (claimed_until IS NULL OR claimed_until < %(now)s)
      {only}
    ORDER BY send_after, id
    LIMIT %(size)s
    FOR UPDATE SKIP LOCKED
)
RETURNING id
"""
# The rest of one person's digest: their email rows held to the same moment.
_DIGEST_ONLY = "AND recipient_id = %(recipient)s AND channel = 'email' AND send_after = %(at)s"

# A worker stops taking rows from its batch this long before its lease ends, so that it never
# sends a row another worker may have claimed since.
LEASE_MARGIN = dt.timedelta(seconds=30)


def claim(*, now: dt.datetime, size: int = BATCH_SIZE, lease: dt.timedelta = LEASE) -> list[int]:
    """Take up to ``size`` due rows for this worker until ``now + lease``: one statement, so
    atomic by itself. The lease's end is the worker's token: only the holder of that exact
    moment can go on with a row."""
    return _claim(_CLAIM.format(only=""), until=now + lease, now=now, size=size)


def _claim(sql: str, **params) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _claim_digest_rest(key: tuple, *, now: dt.datetime, until: dt.datetime) -> list[int]:
    """Claim the rest of a digest whose first rows came in this batch, so that a digest split
    by the batch size still goes as one email."""
    _, recipient, at = key
    sql = _CLAIM.format(only=_DIGEST_ONLY)
    return _claim(sql, until=until, now=now, size=None, recipient=recipient, at=at)


def retry_wait(failures: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the first, second, third … failure."""
    return dt.timedelta(minutes=2 ** max(failures - 1, 0))


@dataclass(frozen=True)
class Dispatched:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0  # cancelled meanwhile, or left for the next worker when the lease ran short

    @property
    def claimed(self) -> int:
        return self.sent + self.retrying + self.failed + self.skipped


def dispatch(
    *, now: dt.datetime | None = None, size: int = BATCH_SIZE, lease: dt.timedelta = LEASE
) -> Dispatched:
    """Deliver one batch of due notifications. For each claimed row: make sure it is still
    this worker's and still wanted (a conditional update: a row cancelled since the claim is
    skipped), send it, and mark it sent only where the lease is still this worker's. Rows left
    when the lease runs short go back to the queue when it ends. Two queries for the batch and
    two for each row; email shares one connection per batch.

    The email rows of a person who chose the digest, held to the same moment, go as one email
    (when a full batch took only some of them, the rest are claimed with them): each is
    checked as above, the ones still wanted are listed and then marked sent together (one
    query for the group)."""
    now = now or timezone.now()
    until = now + lease
    ids = claim(now=now, size=size, lease=lease)
    if not ids:
        return Dispatched()
    counts = {"sent": 0, "retrying": 0, "failed": 0, "skipped": 0}
    mine = Notification.objects.filter(status=Notification.Status.PENDING, claimed_until=until)
    rows = (
        mine.filter(pk__in=ids)
        .select_related("recipient", "recipient__notification_preference")
        .order_by("send_after", "pk")
    )
    groups: dict[tuple, list[Notification]] = {}
    for row in rows:
        groups.setdefault(_digest_key(row) or ("row", row.pk), []).append(row)
    for key, group in groups.items():
        if key[0] == "digest" and len(ids) == size:  # a full batch may have cut a digest
            rest = _claim_digest_rest(key, now=now, until=until)
            group.extend(Notification.objects.filter(pk__in=rest).select_related("recipient"))
    started = timezone.now()
    for channel in CHANNELS:
        channel.open_batch()
    try:
        for key, group in groups.items():
            if timezone.now() - started > lease - LEASE_MARGIN:
                counts["skipped"] += len(group)
                continue
            # Still mine and still wanted: a row cancelled since the claim is left out.
            wanted = [row for row in group if mine.filter(pk=row.pk).update(claimed_until=until)]
            counts["skipped"] += len(group) - len(wanted)
            if not wanted:
                continue
            try:
                if key[0] == "digest":
                    EMAIL.send_digest(wanted)
                else:
                    channel_named(wanted[0].channel).send(wanted[0])
            except SoftTimeLimitExceeded:
                raise
            except Exception as error:  # noqa: BLE001 - any channel error is the rows' to record
                for row in wanted:
                    failures = row.attempts + 1
                    changes = (
                        {"status": Notification.Status.FAILED}
                        if failures >= MAX_ATTEMPTS
                        else {"send_after": now + retry_wait(failures)}
                    )
                    counts["failed" if failures >= MAX_ATTEMPTS else "retrying"] += 1
                    mine.filter(pk=row.pk).update(
                        attempts=failures,
                        claimed_until=None,
                        last_error=f"{type(error).__name__}: {error}"[:1000],
                        **changes,
                    )
                continue
            mine.filter(pk__in=[row.pk for row in wanted]).update(
                status=Notification.Status.SENT,
                sent_at=timezone.now(),
                claimed_until=None,
                attempts=models.F("attempts") + 1,
            )
            counts["sent"] += len(wanted)
    finally:
        for channel in CHANNELS:
            channel.close_batch()
    return Dispatched(**counts)


def _digest_key(row: Notification) -> tuple | None:
    """What a row is gathered by when it goes in a digest (its person and moment), or None when
    it goes alone: not email, or the person did not choose the digest."""
    if row.channel != "email" or row.recipient is None:
        return None
    try:
        digest = row.recipient.notification_preference.digest
    except NotificationPreference.DoesNotExist:
        return None
    return ("digest", row.recipient_id, row.send_after) if digest else None


def retry(notification: Notification) -> None:
    """Put a failed row back in the queue (the operations page's retry button)."""
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.FAILED).update(
        status=Notification.Status.PENDING,
        attempts=0,
        send_after=timezone.now(),
        claimed_until=None,
    )


def unread_count(user: User) -> int:
    """In-app notifications sent to the person and not read yet."""
    return inbox(user).filter(read_at__isnull=True).count()


def inbox(user: User) -> models.QuerySet[Notification]:
    """The person's in-app list: what was sent to them, newest first."""
    return Notification.objects.filter(
        recipient=user, channel="in_app", status=Notification.Status.SENT
    ).order_by("-sent_at", "-pk")


def mark_read(*, user: User, notification: Notification | None = None) -> int:
    """Mark one of the person's in-app notifications read, or all of them when none is given;
    returns how many rows changed (already read ones keep their first read time)."""
    unread = inbox(user).filter(read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())


def cancel_for(recipient: User) -> int:
    """Cancel everything still pending for one person, whatever it is about (a resident
    discharged); returns how many rows."""
    return Notification.objects.filter(
        recipient=recipient, status=Notification.Status.PENDING
    ).update(status=Notification.Status.CANCELLED, claimed_until=None)
