"""The notification preferences form: which kinds, which channels, quiet hours, the digest."""

from __future__ import annotations

from django import forms

from soberhouse.models import NotificationPreference
from soberhouse.notification_kinds import KINDS


class NotificationPreferenceForm(forms.Form):
    """Kinds are shown as what the person wants (ticked = on) and stored as what they muted, so
    a kind added later reaches everyone until they turn it off."""

    kinds = forms.MultipleChoiceField(
        label="What to tell me about",
        choices=list(KINDS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    email_kinds = forms.MultipleChoiceField(
        label="Which of them by email",
        choices=list(KINDS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Unticked ones come only to your list here. An email's “No more emails like "
        "this one” link unticks its kind.",
    )
    email = forms.BooleanField(label="By email", required=False)
    in_app = forms.BooleanField(label="In my notifications list here", required=False)
    digest = forms.BooleanField(
        label="Gather my emails into a daily digest",
        required=False,
        help_text="One email a day at 6 p.m. with everything since the last one; the in-app "
        "list stays immediate.",
    )
    quiet_from = forms.TimeField(
        label="Quiet from",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_until = forms.TimeField(
        label="Quiet until",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In your house's time zone. Anything due in these hours waits until they end; "
        "22:00 until 07:00 runs over midnight.",
    )

    @classmethod
    def initial_from(cls, preference: NotificationPreference) -> dict:
        return {
            "kinds": [kind for kind in KINDS if kind not in preference.muted_kinds],
            "email_kinds": [kind for kind in KINDS if kind not in preference.email_muted_kinds],
            "email": preference.email,
            "in_app": preference.in_app,
            "digest": preference.digest,
            "quiet_from": preference.quiet_from,
            "quiet_until": preference.quiet_until,
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("quiet_from"), data.get("quiet_until")
        if "quiet_from" in self.errors or "quiet_until" in self.errors:
            return data
        if start is None and end is not None:
            self.add_error("quiet_from", "Give the time quiet hours start, or clear both times.")
        elif start is not None and end is None:
            self.add_error("quiet_until", "Give the time quiet hours end, or clear both times.")
        elif start is not None and start == end:
            self.add_error(
                "quiet_until", "Quiet hours must end at a different time than they start."
            )
        return data

    def apply_to(self, preference: NotificationPreference) -> None:
        """Write the cleaned values onto ``preference`` (kinds no longer listed stay muted)."""
        data = self.cleaned_data
        unknown = [kind for kind in preference.muted_kinds if kind not in KINDS]
        preference.muted_kinds = [kind for kind in KINDS if kind not in data["kinds"]] + unknown
        unknown = [kind for kind in preference.email_muted_kinds if kind not in KINDS]
        preference.email_muted_kinds = [
            kind for kind in KINDS if kind not in data["email_kinds"]
        ] + unknown
        preference.email = data["email"]
        preference.in_app = data["in_app"]
        preference.digest = data["digest"]
        preference.quiet_from = data["quiet_from"]
        preference.quiet_until = data["quiet_until"]
