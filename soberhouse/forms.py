"""Small helpers shared by every app's views."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.request import QueryDict


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data of a POST, or None for any other method. (``request.POST or None``
    would treat a POST with every checkbox unticked as no submission at all.)"""
    return request.POST if request.method == "POST" else None
