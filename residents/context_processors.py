from django.utils.functional import SimpleLazyObject

from residents.access import roles
from soberhouse.outbox import unread_count


def navigation(request):
    """The navigation shows what each person's roles let them reach (evaluated lazily), and how
    many of their in-app notifications are unread (one query, made where the page shows it)."""
    if not request.user.is_authenticated:
        return {}
    return {
        "roles": roles(request),
        "unread_notifications": SimpleLazyObject(lambda: unread_count(request.user)),
    }
