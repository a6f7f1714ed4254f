from __future__ import annotations

from django.utils.cache import add_never_cache_headers, patch_cache_control


def private_pages(get_response):
    """Pages for a signed-in person may hold health information: no browser or proxy keeps them,
    so Back after signing out on a shared phone shows nothing."""

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response

    return middleware
