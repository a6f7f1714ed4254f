from __future__ import annotations

import datetime as dt

import factory

from residents.models import House, Membership, Resident, Stay
from soberhouse.models import User

PASSWORD = "a-test-password-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class HouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = House
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"House {n}")
    slug = factory.Sequence(lambda n: f"house-{n}")
    time_zone = "America/Los_Angeles"
    beds = 8


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    user = factory.SubFactory(UserFactory)
    legal_name = factory.LazyAttribute(lambda resident: resident.user.full_name or "Sam Example")
    sobriety_date = factory.LazyFunction(lambda: dt.date(2026, 6, 1))


def make_resident(house: House, *, move_in: dt.date | None = None, **user_fields) -> Resident:
    resident = ResidentFactory(user=UserFactory(**user_fields))
    Stay.objects.create(
        resident=resident, house=house, move_in=move_in or house.today() - dt.timedelta(days=30)
    )
    return resident


def make_manager(house: House, **user_fields) -> User:
    user = UserFactory(**user_fields)
    Membership.objects.create(house=house, user=user, role=Membership.Role.MANAGER)
    return user


def make_assignment(chore, day: dt.date, resident: Resident | None, **fields):
    """A chore on a day, due at the chore's time in its house's zone."""
    from chores.models import Assignment
    from chores.schedule import due_at

    return Assignment.objects.create(
        chore=chore,
        house=chore.house,
        day=day,
        due_at=due_at(day, chore.due_time, chore.house.time_zone),
        resident=resident,
        points=chore.points,
        **fields,
    )
