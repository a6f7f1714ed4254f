from allauth.account.adapter import DefaultAccountAdapter

from soberhouse import mail


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Nobody signs up on their own: people join through an invitation link."""
        return False

    def render_mail(self, template_prefix, email, context, headers=None):
        """Sign-in codes and password resets get a Message-ID in the site's domain, as the
        outbox's emails do (Django's own names the machine). They carry no unsubscribe: a
        person asked for each one."""
        headers = {"Message-ID": mail.message_id(), **(headers or {})}
        return super().render_mail(template_prefix, email, context, headers=headers)
