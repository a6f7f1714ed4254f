"""The data migration that rewrites stored phone numbers in E.164."""

from __future__ import annotations

import importlib

from django.apps import apps

from residents.models import EmergencyContact, Resident

migration = importlib.import_module("residents.migrations.0003_phones_e164")


def test_stored_numbers_are_rewritten_and_unreadable_ones_left_alone(resident_harbor):
    Resident.objects.filter(pk=resident_harbor.pk).update(
        phone="(562) 555-0143", sponsor_phone="call the office"
    )
    contact = EmergencyContact.objects.create(
        resident=resident_harbor, name="Ana", relation="sister", phone="562.555.0100"
    )

    migration.forwards(apps, None)

    resident_harbor.refresh_from_db()
    contact.refresh_from_db()
    assert resident_harbor.phone == "+15625550143"
    assert resident_harbor.sponsor_phone == "call the office"
    assert contact.phone == "+15625550100"
