from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from residents import access, export, milestones
from residents.forms import AcceptInvitationForm, InvitationForm
from residents.invitations import (
    InvitationRefused,
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_revoke,
)
from residents.models import Membership, Resident
from residents.notification_operations import failed_for
from residents.selectors import (
    arrivals_and_departures,
    current_rules,
    houses_with_occupancy,
    milestones_soon,
    roster,
    rules_to_sign,
)
from soberhouse import audit
from soberhouse.forms import posted
from soberhouse.models import User


@login_required
def home(request):
    """Send each person to their start page: staff to the houses, a manager to their house, a
    resident to their day."""
    roles = access.roles(request)
    if roles.is_staff:
        return redirect("house_list")
    if len(roles.managed_houses) == 1:
        return redirect("house_dashboard", slug=roles.managed_houses[0].slug)
    if roles.is_manager:
        return redirect("house_list")
    if roles.is_resident or Resident.objects.filter(user=request.user).exists():
        return redirect("today")  # between stays, Today says so
    return redirect("me")


@login_required
def today(request):
    stay = access.roles(request).stay
    if stay is None:
        return _between_stays(request)
    house_today = stay.house.today()
    sober_since = stay.resident.sobriety_date
    return render(
        request,
        "residents/today.html",
        {
            "stay": stay,
            "house_today": house_today,
            "days_sober": milestones.days_sober(sober_since, house_today) if sober_since else None,
            "milestone_today": (
                milestones.milestone_on(sober_since, house_today) if sober_since else None
            ),
            "next_milestone": (
                milestones.next_milestone(sober_since, house_today) if sober_since else None
            ),
            "rules_to_sign": rules_to_sign(stay),
        },
    )


def _between_stays(request):
    """Today for someone with no stay now: their stay has ended, or has not begun yet. What they
    can still do here, and whom to call. Nobody else has a Today (404)."""
    resident = get_object_or_404(Resident.objects.select_related("user"), user=request.user)
    stay = resident.stays.select_related("house").order_by("-move_in", "-pk").first()
    if stay is None:
        raise Http404
    managers = User.objects.filter(
        memberships__house=stay.house, memberships__role=Membership.Role.MANAGER, is_active=True
    ).order_by("full_name", "email")
    context = {
        "resident": resident,
        "stay": stay,
        "ended": stay.move_out is not None,
        "managers": managers,
    }
    return render(request, "residents/between_stays.html", context)


@access.manager_required
def house_list(request):
    """Houses with beds taken and open today; for staff the overview of every house."""
    houses = houses_with_occupancy(access.houses_managed_by(request.user)).order_by("name")
    return render(request, "residents/house_list.html", {"houses": houses})


FAILED_ON_DASHBOARD = 5


@access.manager_required
def house_dashboard(request, slug):
    house = access.access_house(request.user, slug)
    today = house.today()
    rules = current_rules(house)
    rows = roster(house, today=today, rules=rules)
    arriving, leaving = arrivals_and_departures(house, today=today)
    return render(
        request,
        "residents/house_dashboard.html",
        {
            "house": house,
            "today": today,
            "rows": rows,
            "open_beds": max(house.beds - len(rows), 0),
            "milestones_soon": milestones_soon(rows, today),
            "arriving": arriving,
            "leaving": leaving,
            "unsigned": [row for row in rows if row.signed_current_rules is False],
            "rules": rules,
            "failed_notifications": list(failed_for([house.pk])[:FAILED_ON_DASHBOARD]),
        },
    )


@access.manager_required
def invitation_new(request, slug):
    house = access.access_house(request.user, slug)
    can_invite_managers = access.roles(request).is_staff
    form = InvitationForm(posted(request), can_invite_managers=can_invite_managers)
    if request.method == "POST" and form.is_valid():
        invitation = invitation_create(
            house=house, by=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, f"Invitation sent to {invitation.email}.")
        return redirect("invitation_new", slug=house.slug)
    pending = house.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")
    return render(
        request,
        "residents/invitation_new.html",
        {"house": house, "form": form, "pending": pending},
    )


@require_POST
@access.manager_required
def invitation_revoke_view(request, slug, pk):
    house = access.access_house(request.user, slug)
    invitation = get_object_or_404(house.invitations, pk=pk)
    invitation_revoke(invitation=invitation, by=request.user, request=request)
    messages.success(request, f"The invitation for {invitation.email} was withdrawn.")
    return redirect("invitation_new", slug=house.slug)


def invitation_accept_view(request, token):
    try:
        invitation = invitation_from_token(token)
    except InvitationRefused as refusal:
        return render(
            request, "residents/invitation_refused.html", {"reason": str(refusal)}, status=410
        )
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None and existing.has_usable_password():
        return _accept_as_existing_user(request, invitation, existing)
    form = AcceptInvitationForm(posted(request), email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                user=existing,
                request=request,
            )
        except InvitationRefused as refusal:
            return render(
                request, "residents/invitation_refused.html", {"reason": str(refusal)}, status=410
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to {invitation.house}.")
        return redirect("home")
    if request.method == "GET":
        form.initial["full_name"] = existing.full_name if existing else invitation.full_name
    return render(
        request, "residents/invitation_accept.html", {"invitation": invitation, "form": form}
    )


def _accept_as_existing_user(request, invitation, existing):
    if request.user != existing:
        login_url = f"{reverse('account_login')}?next={request.path}"
        return render(
            request,
            "residents/invitation_existing.html",
            {"invitation": invitation, "login_url": login_url},
        )
    if request.method == "POST":
        try:
            invitation_accept(
                invitation=invitation, full_name="", password=None, user=existing, request=request
            )
        except InvitationRefused as refusal:
            return render(
                request, "residents/invitation_refused.html", {"reason": str(refusal)}, status=410
            )
        messages.success(request, f"You have joined {invitation.house}.")
        return redirect("home")
    return render(request, "residents/invitation_existing.html", {"invitation": invitation})


@login_required
def my_data(request):
    """Everything the app keeps about the signed-in person, as one zip of JSON and CSV files."""
    archive = export.personal_data_zip(request.user)
    audit.record(action="me.data_download", request=request, obj=request.user)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="my-soberhouse-data.zip"'
    return response
