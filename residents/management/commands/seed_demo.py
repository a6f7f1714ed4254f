"""Build the demo of DESIGN.md §4, the same every time it runs: staff, Harbor House and Cedar House,
their managers, and eight residents in each with varied sobriety dates."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from residents.models import House, Membership, Resident, Stay
from soberhouse.models import User

PASSWORD = "sober-demo-2026"  # noqa: S105 - the published demo password
HOUSES = [
    {
        "slug": "harbor",
        "name": "Harbor House",
        "address": "12 Harbor Street, Long Beach, CA 90802",
        "time_zone": "America/Los_Angeles",
        "beds": 10,
    },
    {
        "slug": "cedar",
        "name": "Cedar House",
        "address": "408 Cedar Avenue, Denver, CO 80203",
        "time_zone": "America/Denver",
        "beds": 9,
    },
]
FIRST_NAMES = {
    "harbor": ["Alex", "Jordan", "Sam", "Taylor", "Riley", "Casey", "Morgan", "Jamie"],
    "cedar": ["Avery", "Quinn", "Rowan", "Drew", "Parker", "Reese", "Skyler", "Emerson"],
}
LAST_NAMES = ["Rivera", "Chen", "Okafor", "Novak", "Haddad", "Brooks", "Silva", "Kowalski"]
# Days since the sobriety date, chosen to sit around the milestones (24 h, 30/60/90 days, ...).
DAYS_SOBER = [1, 12, 29, 58, 95, 181, 270, 400]
# Days since moving in: a newcomer, the rest settled.
DAYS_IN_HOUSE = [1, 10, 25, 50, 80, 150, 200, 330]


class Command(BaseCommand):
    help = "Create or refresh the demo houses and accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="build the demo even with DEBUG off (its accounts share a published password)",
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="date the demo is built around (default: today in each house's zone)",
        )

    @transaction.atomic
    def handle(self, *args, today: dt.date | None = None, allow_without_debug=False, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "The demo's accounts share a published password: it is built only with DEBUG on."
            )
        staff = self._user("staff@demo.test", "Sage Operator", is_operator_staff=True)
        for spec in HOUSES:
            house, _ = House.objects.update_or_create(slug=spec["slug"], defaults=spec)
            manager = self._user(f"manager.{house.slug}@demo.test", f"{house.name} Manager")
            Membership.objects.get_or_create(
                house=house, user=manager, role=Membership.Role.MANAGER
            )
            self._residents(house, today or house.today())
        self.stdout.write(f"Demo ready: staff {staff.email}, houses harbor and cedar.")

    def _user(self, email: str, full_name: str, **flags) -> User:
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": full_name, **flags}
        )
        if created or not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _residents(self, house: House, today: dt.date) -> None:
        for number in range(1, 9):
            index = number - 1
            name = f"{FIRST_NAMES[house.slug][index]} {LAST_NAMES[index]}"
            user = self._user(f"resident.{house.slug}{number}@demo.test", name)
            resident, _ = Resident.objects.get_or_create(user=user)
            resident.sobriety_date = today - dt.timedelta(days=DAYS_SOBER[index])
            resident.save(update_fields=["sobriety_date"])
            if not Stay.objects.filter(
                resident=resident, house=house, move_out__isnull=True
            ).exists():
                Stay.objects.create(
                    resident=resident,
                    house=house,
                    move_in=today - dt.timedelta(days=DAYS_IN_HOUSE[index]),
                )
