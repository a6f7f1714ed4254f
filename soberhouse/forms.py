"""Small helpers shared by every app's views."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.http.request import QueryDict


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data of a POST, or None for any other method. (``request.POST or None``
    would treat a POST with every checkbox unticked as no submission at all.)"""
    return request.POST if request.method == "POST" else None


@dataclass(frozen=True)
class Problem:
    """One line of a page's error summary: what is wrong, and the ``#id`` of the field it is
    about (empty for a form's own error)."""

    message: str
    href: str = ""
