from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from residents import access
from residents.forms import AcceptInvitationForm, InvitationForm
from residents.invitations import (
    InvitationRefused,
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_revoke,
)
from residents.models import Stay
from soberhouse import audit
from soberhouse.models import AuditEvent, User


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
    if roles.is_resident:
        return redirect("today")
    return redirect("me")


@access.resident_required
def today(request):
    stay = access.roles(request).stay
    house_today = stay.house.today()
    sobriety_date = stay.resident.sobriety_date
    days_sober = (house_today - sobriety_date).days if sobriety_date else None
    return render(
        request,
        "residents/today.html",
        {"stay": stay, "house_today": house_today, "days_sober": days_sober},
    )


@access.manager_required
def house_list(request):
    houses = access.houses_managed_by(request.user).order_by("name")
    return render(request, "residents/house_list.html", {"houses": houses})


@access.manager_required
def house_dashboard(request, slug):
    house = access.access_house(request.user, slug)
    stays = list(
        Stay.objects.current()
        .filter(house=house)
        .select_related("resident__user")
        .order_by("resident__user__full_name")
    )
    return render(
        request,
        "residents/house_dashboard.html",
        {"house": house, "stays": stays, "free_beds": max(house.beds - len(stays), 0)},
    )


@login_required
def resident_detail(request, pk):
    resident = access.access_resident(request.user, pk)
    stays = resident.stays.select_related("house")
    audit.record(action="resident.view", request=request, obj=resident)
    return render(request, "residents/resident_detail.html", {"resident": resident, "stays": stays})


@access.manager_required
def invitation_new(request, slug):
    house = access.access_house(request.user, slug)
    can_invite_managers = access.roles(request).is_staff
    form = InvitationForm(request.POST or None, can_invite_managers=can_invite_managers)
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
    if existing is not None:
        return _accept_as_existing_user(request, invitation, existing)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                user=None,
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
        form.initial["full_name"] = invitation.full_name
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
def me(request):
    return render(request, "residents/me.html")


@login_required
def my_data(request):
    """Everything the app keeps about the signed-in person, as one JSON file."""
    user = request.user
    stays = Stay.objects.filter(resident__user=user).select_related("house")
    data = {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "date_joined": user.date_joined.isoformat(),
        },
        "stays": [
            {
                "house": stay.house.name,
                "move_in": stay.move_in.isoformat(),
                "move_out": stay.move_out.isoformat() if stay.move_out else None,
            }
            for stay in stays
        ],
        "sobriety_date": (
            user.resident.sobriety_date.isoformat()
            if hasattr(user, "resident") and user.resident.sobriety_date
            else None
        ),
        "audit_trail_of_my_actions": [
            {"at": event.at.isoformat(), "action": event.action}
            for event in AuditEvent.objects.filter(actor=user)[:1000]
        ],
    }
    audit.record(action="me.data_download", request=request, obj=user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-soberhouse-data.json"'
    return response
