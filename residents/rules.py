"""House rules: a manager publishes versions of the rules text; each resident reads the current
version on their phone and signs it with their typed full name.

Both services lock the house's row for the length of their transaction, so that two publishes at
once cannot both take the same version number, and a signature always lands on the version that was
current when it was saved. A house has a handful of residents, so the wait is never felt.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from residents.models import BY_SHOWN_NAME, House, HouseRules, Resident, RulesSignature, Stay
from residents.selectors import current_rules
from soberhouse import audit
from soberhouse.models import User

# Phones turn a typed apostrophe or hyphen into a typographic one; a name is the same either way.
_PUNCTUATION = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "‐": "-", "‑": "-", "–": "-"})


def normalize_name(name: str) -> str:
    """A name reduced for comparison: no accents, no case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_PUNCTUATION))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def check_typed_name(resident: Resident, typed_name: str) -> None:
    """Raise a :class:`ValidationError` on ``typed_name`` unless it is the resident's legal name,
    give or take case, accents and spaces."""
    if normalize_name(typed_name) != normalize_name(resident.legal_name):
        raise ValidationError(
            {
                "typed_name": "Type your full name as it appears on your record: "
                f"{resident.legal_name}."
            }
        )


def _clean_text(text: str) -> str:
    """Rules text as stored: Unix line endings, no trailing spaces, no blank lines around it."""
    return "\n".join(line.rstrip() for line in text.splitlines()).strip()


def _lock_house(house: House) -> None:
    House.objects.select_for_update().filter(pk=house.pk).values_list("pk").get()


@transaction.atomic
def rules_publish(*, house: House, text: str, by: User, request=None) -> HouseRules:
    """Publish ``text`` as the house's next version. Every current resident is then asked to sign
    it; their signatures of earlier versions stay on record."""
    _lock_house(house)
    text = _clean_text(text)
    if not text:
        raise ValidationError({"text": "Write the house rules before publishing them."})
    current = current_rules(house)
    if current is not None and _clean_text(current.text) == text:
        raise ValidationError(
            {
                "text": f"This is the same text as version {current.version}. Change something "
                "before publishing a new version."
            }
        )
    rules = HouseRules.objects.create(
        house=house,
        version=current.version + 1 if current else 1,
        text=text,
        published_by=by,
    )
    audit.record(
        action="rules.publish",
        actor=by,
        request=request,
        obj=rules,
        changes={"house": house.slug, "version": rules.version},
    )
    return rules


@transaction.atomic
def rules_sign(
    *, rules: HouseRules, resident: Resident, typed_name: str, request=None
) -> RulesSignature:
    """Record that ``resident`` read and agreed to ``rules``. Signing a version already signed
    returns the first signature unchanged."""
    house = rules.house
    _lock_house(house)
    stay = Stay.objects.current().filter(resident=resident, house=house).first()
    if stay is None:
        raise ValidationError(f"Only people living at {house.name} now can sign its rules.")
    current = current_rules(house)
    if current is None or current.pk != rules.pk:
        raise ValidationError(
            "A newer version of the house rules has been published. Read it, then sign that one."
        )
    check_typed_name(resident, typed_name)
    # get_or_create falls back to reading the row if a second submit of the same form wins the
    # race to the unique constraint.
    signature, created = RulesSignature.objects.get_or_create(
        rules=rules,
        stay=stay,
        defaults={
            "resident": resident,
            "typed_name": " ".join(typed_name.split()),
            "ip": audit.client_ip(request),
        },
    )
    if created:
        audit.record(
            action="rules.sign",
            actor=resident.user,
            request=request,
            obj=signature,
            changes={"house": house.slug, "version": rules.version, "resident": resident.pk},
        )
    return signature


def unsigned_residents(house: House, rules: HouseRules | None) -> QuerySet[Resident]:
    """People living in the house today who have not signed ``rules``, by the name they go by
    (one query). Nobody, when the house has no rules yet."""
    if rules is None:
        return Resident.objects.none()
    lives_here = Stay.objects.current().filter(house=house, resident=OuterRef("pk"))
    # Signed during the stay under way: a signature from an earlier stay does not count.
    signed = RulesSignature.objects.filter(
        rules=rules, resident=OuterRef("pk"), stay__in=Stay.objects.current().filter(house=house)
    )
    return (
        Resident.objects.filter(Exists(lives_here))
        .exclude(Exists(signed))
        .order_by(BY_SHOWN_NAME, "pk")
    )


def signed_versions(resident: Resident) -> QuerySet[RulesSignature]:
    """Every version of house rules the resident has signed, in any house, newest signature
    first, each with its rules and house (one query)."""
    return resident.rules_signatures.select_related("rules__house").order_by("-signed_at", "-pk")
