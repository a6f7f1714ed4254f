"""A person's in-app notifications and their notification preferences. Everyone signed in has
their own; nobody reaches anyone else's (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from soberhouse import audit, mail, outbox
from soberhouse.models import User
from soberhouse.notification_forms import NotificationPreferenceForm
from soberhouse.notification_kinds import KINDS, label_of

PAGE_SIZE = 30
_PREFERENCE_FIELDS = (
    "muted_kinds",
    "email_muted_kinds",
    "email",
    "in_app",
    "digest",
    "quiet_from",
    "quiet_until",
)


@login_required
def notification_list(request):
    page = Paginator(outbox.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    for notification in page:
        notification.kind_label = label_of(notification.kind)
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notifications_read(request):
    outbox.mark_read(user=request.user)
    return redirect("notification_list")


@login_required
@require_POST
def notification_open(request, pk: int):
    notification = get_object_or_404(outbox.inbox(request.user), pk=pk)
    outbox.mark_read(user=request.user, notification=notification)
    if _is_local_path(notification.url):
        return redirect(notification.url)
    return redirect("notification_list")


def _is_local_path(url: str) -> bool:
    """Only a path on this site: no scheme, no host, no ``//host`` or ``/\\host`` tricks."""
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


@login_required
def notification_preferences(request):
    preference = outbox.preference_of(request.user)
    before = _snapshot(preference)
    form = NotificationPreferenceForm(
        request.POST if request.method == "POST" else None,
        initial=NotificationPreferenceForm.initial_from(preference),
    )
    if request.method == "POST" and form.is_valid():
        form.apply_to(preference)
        changed = _preferences_save(preference=preference, before=before, request=request)
        messages.success(request, "Your preferences are saved." if changed else "Nothing changed.")
        return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def _snapshot(preference) -> dict:
    return {field: getattr(preference, field) for field in _PREFERENCE_FIELDS}


@transaction.atomic
def _preferences_save(*, preference, before: dict, request) -> bool:
    """Save and record what changed; False when nothing did."""
    changes = audit.diff(before, _snapshot(preference))
    if not changes:
        return False
    preference.save()
    audit.record(
        action="notifications.preferences", request=request, obj=preference, changes=changes
    )
    return True


# RFC 8058: the mail program POSTs "List-Unsubscribe=One-Click" to the email's List-Unsubscribe
# address by itself, with no cookie and so no CSRF token. The signed address is the proof, and
# all it can do is turn one kind of email off for the person it names. Every other POST needs
# its CSRF token; the security sweep allows this view alone, and says why.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def notification_unsubscribe(request, token: str):
    """An email's unsubscribe link: a page asking to confirm with a button (GET), and the
    one-click unsubscribe itself (POST), with no sign-in. A link not signed by us, or for an
    account that is gone, answers 404."""
    found = mail.unsubscribe_read(token)
    if found is None or (found[1] not in KINDS and found[1] != mail.ALL_KINDS):
        raise Http404
    user = User.objects.filter(pk=found[0], is_active=True).first()
    if user is None:
        raise Http404
    kind = found[1]
    context = {
        "every_kind": kind == mail.ALL_KINDS,
        "label": label_of(kind),
        "done": False,
        "signed_in_as_them": request.user == user,
    }
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") != "One-Click":
            context["refused"] = True
            return render(request, "notifications/unsubscribe.html", context, status=400)
        outbox.email_unsubscribe(user=user, kind=kind, request=request)
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)
