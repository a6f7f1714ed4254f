from __future__ import annotations

from celery import shared_task

from residents.invitations import invitation_send_email
from residents.models import Invitation
from residents.notifications import milestones_notify


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_invitation(self, invitation_id: int) -> None:
    """Email an invitation link; retried when the mail server does not answer."""
    invitation = (
        Invitation.objects.filter(
            pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("house", "invited_by")
        .first()
    )
    if invitation is None:
        return
    try:
        invitation_send_email(invitation)
    except OSError as error:
        raise self.retry(exc=error) from error


@shared_task(name="residents.notify_milestones")
def notify_milestones() -> int:
    """Milestone notifications that are due in each house's zone (idempotent: the outbox's key).
    Run hourly, so the 09:00 and 18:00 local moments are met within the hour."""
    return milestones_notify()
