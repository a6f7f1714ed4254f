from residents.access import roles


def navigation(request):
    """The navigation shows what each person's roles let them reach (evaluated lazily)."""
    if not request.user.is_authenticated:
        return {}
    return {"roles": roles(request)}
