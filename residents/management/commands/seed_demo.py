"""Build the demo of DESIGN.md §4: staff, Harbor House and Cedar House, their managers, and eight
current residents in each, with a lived-in history — past residents, a re-admission, milestones
coming up, house rules that one newcomer has not signed yet.

It writes only into an empty database (no accounts, no houses): never over one that people use,
where it would put back a demo password someone changed. ``--if-empty`` (``./dev run``) leaves a
database with people in it as it is; ``--reset`` (``./dev demo --reset``) empties the database and
builds the demo again, and with DEBUG off only with ``--force`` too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from residents.models import (
    EmergencyContact,
    House,
    HouseRules,
    Membership,
    Resident,
    RulesSignature,
    SobrietyDateChange,
    Stay,
)
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
PRONOUNS = ["he/him", "she/her", "they/them", "", "she/her", "he/him", "", "they/them"]
# Days since the sobriety date, chosen so that milestones come up this week and next: 24 hours
# tomorrow, 30 days in 2, 60 days in 4, 90 days in 8, then settled people around 6, 9 months
# and more than a year.
DAYS_SOBER = [0, 28, 56, 82, 120, 181, 270, 400]
# Days since moving in: a newcomer, the rest settled.
DAYS_IN_HOUSE = [1, 10, 25, 50, 80, 150, 200, 330]
# Number 3 of each house came back: an earlier stay that ended when they returned to use.
READMITTED = 3
EARLIER_STAY = (420, 300)  # days ago: moved in, moved out
# The newcomer of Harbor House has not signed the house rules yet.
UNSIGNED = ("harbor", 1)

RULES = """1. Stay sober: no alcohol or drugs in or out of the house.
2. Come to the weekly house meeting; tell the chair beforehand if you cannot.
3. Do your chores by their due time, or swap them.
4. Go to at least three outside 12-step meetings a week.
5. Guests leave by 10 p.m.; no overnight guests.
6. Respect each other: no violence, threats or theft.
7. Pay your share on time; talk to the manager early if you cannot."""


@dataclass(frozen=True)
class PastResident:
    email: str
    legal_name: str
    house: str
    moved_in: int  # days ago
    moved_out: int
    reason: str


PAST = [
    PastResident("past.harbor1@demo.test", "Chris Morales", "harbor", 400, 220, "completed"),
    PastResident("past.harbor2@demo.test", "Dana Whitfield", "harbor", 260, 120, "moved_on"),
    PastResident("past.cedar1@demo.test", "Eli Turner", "cedar", 380, 200, "completed"),
]


class Command(BaseCommand):
    help = "Build the demo houses, accounts and their history into an empty database."

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
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="build the demo only if the database is empty; otherwise change nothing",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete everything in the database (every account and record) and build the demo",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="with --reset: allow it with DEBUG off (a database that may be in use)",
        )

    @transaction.atomic
    def handle(
        self,
        *args,
        today: dt.date | None = None,
        allow_without_debug=False,
        if_empty=False,
        reset=False,
        force=False,
        **options,
    ):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "The demo's accounts share a published password: it is built only with DEBUG on."
            )
        in_use = self._in_use()
        if reset:
            self._reset(force=force)
        elif in_use:
            if if_empty:
                self.stdout.write(
                    f"The database already holds {in_use}: the demo is not loaded over it "
                    "(./dev demo --reset deletes everything and builds the demo again)."
                )
                return
            raise CommandError(
                f"The database already holds {in_use}: the demo is built only into an empty "
                "database. To delete everything in it and build the demo again, use --reset."
            )
        self._build(today)

    @staticmethod
    def _in_use() -> str:
        """What the database holds that people made or use, in words; "" when it is empty."""
        accounts, houses = User.objects.count(), House.objects.count()
        parts = [f"{accounts} account{'s' * (accounts != 1)}"] if accounts else []
        parts += [f"{houses} house{'s' * (houses != 1)}"] if houses else []
        return " and ".join(parts)

    def _reset(self, *, force: bool) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this may be a database people use: --reset would delete every "
                "account and record in it. Add --force if you are sure it is not."
            )
        # TRUNCATE waits for no deferred check: settle them first.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Every table of every app, the audit trail included; the schema and migrations stay.
        call_command("flush", interactive=False, verbosity=0)
        self.stdout.write("Deleted everything in the database.")

    def _build(self, today: dt.date | None) -> None:
        staff = self._user("staff@demo.test", "Sage Operator", is_operator_staff=True)
        for spec in HOUSES:
            house, _ = House.objects.update_or_create(slug=spec["slug"], defaults=spec)
            manager = self._user(f"manager.{house.slug}@demo.test", f"{house.name} Manager")
            Membership.objects.get_or_create(
                house=house, user=manager, role=Membership.Role.MANAGER
            )
            day = today or house.today()
            residents = self._current_residents(house, day)
            self._past_residents(house, day)
            self._rules(house, manager, residents)
        # Later features add their part of the demo as commands of their own apps.
        for command in ("seed_demo_chores", "seed_demo_meetings", "seed_demo_peerlog"):
            call_command(command)
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

    def _resident(self, email: str, legal_name: str, **fields) -> tuple[Resident, bool]:
        user = self._user(email, legal_name)
        resident, created = Resident.objects.get_or_create(
            user=user, defaults={"legal_name": legal_name, **fields}
        )
        if created:
            EmergencyContact.objects.create(
                resident=resident,
                name=f"Pat {legal_name.split()[-1]}",
                relation="Parent",
                phone="+15625550100",
            )
        return resident, not resident.stays.exists()

    def _current_residents(self, house: House, today: dt.date) -> list[Resident]:
        residents = []
        for number in range(1, 9):
            index = number - 1
            first, last = FIRST_NAMES[house.slug][index], LAST_NAMES[index]
            resident, needs_stays = self._resident(
                f"resident.{house.slug}{number}@demo.test",
                f"{first} {last}",
                preferred_name=first if number % 3 else f"{first[0]}.J.",
                pronouns=PRONOUNS[index],
                # Numbers in the 555-0100 to 555-0199 range, kept for fiction.
                phone=f"+1562555{100 + number * 10 + house.pk % 10:04d}",
                sobriety_date=today - dt.timedelta(days=DAYS_SOBER[index]),
                sponsor_name="Lee Sponsor" if number % 2 else "",
                sponsor_phone="+15625550199" if number % 2 else "",
                share_phone=number % 4 != 0,
                share_milestones=number != 5,
            )
            if needs_stays:
                if number == READMITTED:
                    moved_in, moved_out = EARLIER_STAY
                    SobrietyDateChange.objects.create(
                        resident=resident,
                        previous_date=today - dt.timedelta(days=moved_in + 90),
                        new_date=resident.sobriety_date,
                        reason="Used again after leaving the house; came back and started over.",
                        changed_by=house.memberships.first().user,
                    )
                    Stay.objects.create(
                        resident=resident,
                        house=house,
                        bed=f"Room {number}",
                        move_in=today - dt.timedelta(days=moved_in),
                        move_out=today - dt.timedelta(days=moved_out),
                        exit_reason=Stay.ExitReason.RETURNED_TO_USE,
                        exit_notes="Came back after a few months; welcomed home.",
                    )
                Stay.objects.create(
                    resident=resident,
                    house=house,
                    bed=f"Room {number}",
                    move_in=today - dt.timedelta(days=DAYS_IN_HOUSE[index]),
                    expected_move_out=(today + dt.timedelta(days=10) if number == 8 else None),
                )
            residents.append(resident)
        return residents

    def _past_residents(self, house: House, today: dt.date) -> None:
        for past in (p for p in PAST if p.house == house.slug):
            resident, needs_stays = self._resident(
                past.email,
                past.legal_name,
                sobriety_date=today - dt.timedelta(days=past.moved_in + 60),
            )
            if needs_stays:
                Stay.objects.create(
                    resident=resident,
                    house=house,
                    move_in=today - dt.timedelta(days=past.moved_in),
                    move_out=today - dt.timedelta(days=past.moved_out),
                    exit_reason=past.reason,
                )

    def _rules(self, house: House, manager: User, residents: list[Resident]) -> None:
        rules, _ = HouseRules.objects.get_or_create(
            house=house, version=1, defaults={"text": RULES, "published_by": manager}
        )
        for number, resident in enumerate(residents, start=1):
            if (house.slug, number) == UNSIGNED:
                continue
            stay = resident.stays.order_by("-move_in").first()
            RulesSignature.objects.get_or_create(
                rules=rules,
                stay=stay,
                defaults={"resident": resident, "typed_name": resident.legal_name},
            )
