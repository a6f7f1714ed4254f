"""Forms the browser tests fill in the same way: an admission and a chore."""

from __future__ import annotations


def fill_admission(page) -> None:
    """The admit form for Robin Quarry, with one emergency contact (not sent yet)."""
    page.get_by_label("Legal name").fill("Robin Quarry")
    page.get_by_label("Preferred name").fill("Robin")
    page.locator("#id_person-phone").fill("+1 562 555 0143")
    page.get_by_label("Email address").fill("robin@example.test")
    page.get_by_label("Sobriety date").fill("2026-10-01")
    page.get_by_label("Bed or room").fill("Room 9")
    page.locator("#id_contacts-0-name").fill("Jo Quarry")
    page.locator("#id_contacts-0-relation").fill("Sister")
    page.locator("#id_contacts-0-phone").fill("+1 562 555 0199")


def fill_chore(page) -> None:
    """The chore form for "Kitchen floor" on chosen weekdays, none of them ticked yet."""
    page.get_by_label("Name").fill("Kitchen floor")
    page.get_by_label("How to do it").fill("Sweep\nMop")
    page.get_by_label("Area of the house").fill("Kitchen")
    page.get_by_label("Effort points").fill("3")
    page.get_by_label("Schedule").select_option("weekdays")
