"""The shared field layout: a checkbox is a choice, not a field one may leave out, so it is not
marked "(optional)" as an empty text field is."""

from __future__ import annotations

import re

import pytest


@pytest.mark.django_db
def test_a_checkbox_is_not_marked_optional(client):
    page = client.get("/accounts/login/").content.decode()
    label = re.search(r'<label for="id_remember">(.*?)</label>', page, re.S)
    assert label is not None
    assert "(optional)" not in label.group(1)
