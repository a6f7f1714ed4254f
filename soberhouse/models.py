"""Cross-cutting models: the user (email is the login) and the append-only audit trail."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from soberhouse.names import validate_name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. What they may see follows from their roles: operator staff (every
    house), manager of a house (residents.Membership), resident (residents.Stay)."""

    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=150, blank=True, validators=[validate_name])
    is_active = models.BooleanField(default=True)
    is_operator_staff = models.BooleanField(
        "operator staff",
        default=False,
        help_text="Sees every house, invites managers and builds the monthly report.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_staff(self) -> bool:
        # Django's admin is for superusers only; operator staff work in the app itself.
        return self.is_superuser

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


class AuditEvent(models.Model):
    """One read or change of something that matters. The database refuses UPDATE and DELETE on this
    table (a trigger, see migration 0002), so the trail can only grow.

    ``actor`` carries no foreign-key constraint: the trail outlives anything it points at.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email or 'system'} {self.action}"


class Notification(models.Model):
    """One message to one person on one channel: the outbox. Rows are written in the same
    transaction as their cause and delivered by the dispatcher.

    A row is for a person (``recipient``) or, before they have an account, for an email
    ``address`` (an invitation). The unique key on (recipient or address, kind, what it is
    about, occurrence, channel) makes a second copy impossible, however often or however
    concurrently the cause is seen. ``occurrence`` names which time of a repeating cause this
    is (a day, a meeting's start). The subject and text are written when the row is made and
    hold nothing sensitive: a count, a time, a link — never a note's words, a peer log or a
    sobriety detail.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    address = models.EmailField(
        blank=True, help_text="Where it goes when it is for someone without an account yet."
    )
    kind = models.CharField(max_length=40)
    about_type = models.CharField(max_length=60, help_text="app_label.model of what it is about")
    about_id = models.CharField(max_length=40)
    occurrence = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=20)
    house_id = models.IntegerField(null=True, blank=True, help_text="For the operations page.")
    subject = models.CharField(max_length=150)
    text = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    due_at = models.DateTimeField(help_text="The moment it is for.")
    send_after = models.DateTimeField(help_text="Not before: after quiet hours and retries.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="A dispatcher holds it until then; after, another may."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-due_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "about_type", "about_id", "occurrence", "channel"],
                name="notification_once",
            ),
            models.UniqueConstraint(
                fields=["address", "kind", "about_type", "about_id", "occurrence", "channel"],
                condition=models.Q(recipient__isnull=True),
                name="notification_once_by_address",
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(address=""),
                name="notification_has_someone",
            ),
        ]
        indexes = [
            models.Index(
                fields=["send_after"],
                name="notification_pending",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["recipient", "channel", "status"], name="notification_inbox"),
            models.Index(fields=["about_type", "about_id"], name="notification_about"),
        ]

    def __str__(self) -> str:
        to = self.recipient_id or self.address
        return f"{self.kind} to {to} by {self.channel} ({self.status})"


class NotificationPreference(models.Model):
    """What a person wants: which kinds, which channels, quiet hours (in their house's zone) and
    a digest instead of one message each. No row means the defaults."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="notification_preference"
    )
    muted_kinds = models.JSONField(default=list, blank=True)
    # Kinds the person still sees in the app but not by email (an email's unsubscribe link).
    email_muted_kinds = models.JSONField(default=list, blank=True)
    email = models.BooleanField(default=True)
    in_app = models.BooleanField(default=True)
    quiet_from = models.TimeField(null=True, blank=True)
    quiet_until = models.TimeField(null=True, blank=True)
    digest = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"
