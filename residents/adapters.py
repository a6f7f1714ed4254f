from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from soberhouse import mail

# Sign-in messages in our own words (the library's keys; the ones we use are worded here).
SIGN_IN_MESSAGES = {
    "account_inactive": "This account is switched off. Your house manager can tell you more.",
    "cannot_remove_primary_email": (
        "This is your main address, so it can't be removed. Make another one your main address "
        "first."
    ),
    "duplicate_email": "This address is on your account already.",
    "email_password_mismatch": (
        "That email and password don't match. Check both, or have a sign-in code sent to your "
        "email instead."
    ),
    "email_taken": "This address belongs to another account already.",
    "enter_current_password": "Type the password you have now.",
    "incorrect_code": "That code isn't right. Check it and try again, or ask for a new one.",
    "incorrect_password": "That password isn't right.",
    "invalid_or_expired_key": "This link has expired or was used already.",
    "invalid_login": "That didn't work. Please try again.",
    "invalid_password_reset": "This link has expired or was used already.",
    "max_email_addresses": "You can have at most %d email addresses.",
    "too_many_login_attempts": (
        "Too many tries in a row. Please wait a few minutes, or have a sign-in code sent to your "
        "email."
    ),
    "unknown_email": "We have no account with this address.",
    "unverified_primary_email": "Confirm this address before making it your main one.",
    "select_only_one": "Choose one address.",
    "same_as_current": "That's the one you have now: choose a different one.",
    "rate_limited": "That's a lot of tries in a short time. Please wait a minute and try again.",
}

TWO_STEP_MESSAGES = {
    "add_email_blocked": (
        "With two-step sign-in on, a new email address is added by your house manager or the "
        "office."
    ),
    "cannot_delete_authenticator": "Two-step sign-in can't be turned off for this account.",
    "cannot_generate_recovery_codes": "Turn on two-step sign-in first: the codes go with it.",
    "incorrect_code": (
        "That code isn't right. Codes change every 30 seconds: type the one the app shows now."
    ),
    "unverified_email": (
        "Confirm your email address first (Your email addresses, under Me), then set this up."
    ),
}


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {**DefaultAccountAdapter.error_messages, **SIGN_IN_MESSAGES}

    def is_open_for_signup(self, request) -> bool:
        """Nobody signs up on their own: people join through an invitation link."""
        return False

    def render_mail(self, template_prefix, email, context, headers=None):
        """Sign-in codes and password resets get a Message-ID in the site's domain, as the
        outbox's emails do (Django's own names the machine). They carry no unsubscribe: a
        person asked for each one."""
        headers = {"Message-ID": mail.message_id(), **(headers or {})}
        return super().render_mail(template_prefix, email, context, headers=headers)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {**DefaultMFAAdapter.error_messages, **TWO_STEP_MESSAGES}
