"""``/me/data/``: everything the app keeps about one person, as a zip of JSON and CSV files.

The archive is built in memory (it is returned as bytes), but rows are streamed from the
database into it, so a long audit trail does not sit in memory twice.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import Q

from residents.models import HouseRules, Membership, Resident, RulesSignature, Stay
from soberhouse import audit
from soberhouse.models import AuditEvent, User
from soberhouse.spreadsheets import UTF8_BOM, SafeWriter

# Who did something, when it was not the person themselves. Naming the other person would hand
# out someone else's identity; naming the role would say more than the person needs.
SOMEONE_ELSE = "staff or manager"
NOBODY = "system"

README_ACCOUNT = """\
Your data from Soberhouse
=========================

This archive holds everything Soberhouse keeps about you, as of {now}.
Dates are written YYYY-MM-DD; times are ISO 8601 with their offset from UTC.
The CSV files are UTF-8 with a header row; any spreadsheet opens them. A cell that
would start with = + - or @ starts with an apostrophe, so no spreadsheet runs it.

account.json
    Your sign-in account: email, name, when you joined and last signed in, the houses you
    manage (if any), and which two-factor methods are turned on (never their secrets).

audit_trail.csv
    Every recorded event where you were the one acting (signing in, opening a record,
    downloading this file...) and every event about your own records, with when it happened
    (at), what happened in words (what) and as the app's code for it (action), and who did it
    (who). When someone else did it, "who" says
    "{someone_else}" rather than naming them; "{nobody}" means the app did it on a schedule.
"""

README_RESIDENT = """
resident.json
    Your resident record: names, pronouns, phone, date of birth, sobriety date, sponsor,
    what you share with housemates, your emergency contacts, and every change of your
    sobriety date with its reason.

stays.csv
    Each time you have lived in a house: house, bed or room, move-in date, expected move-out,
    move-out date, exit reason and exit notes.

rules_signatures.csv
    Each version of house rules you signed: house, version, when you signed, the name you
    typed, the network address you signed from, and the file in rules_signed/ that holds the
    text you signed.

rules_signed/
    The text of each version of house rules you signed, one file per house and version.
"""


# Chores, meetings and the peer log keep records about a resident too. Residents imports none of
# those apps (DESIGN.md §3), so each adds its own files from its AppConfig.ready(): a name, the
# lines it adds to README.txt, and a function writing its files for one resident.
_SECTIONS: dict[str, tuple[str, Callable[[zipfile.ZipFile, Resident], None]]] = {}


def section_register(
    *, name: str, readme: str, write: Callable[[zipfile.ZipFile, Resident], None]
) -> None:
    """Add files to every resident's archive. Registering a name again replaces it."""
    _SECTIONS[name] = (readme, write)


def personal_data_zip(user: User) -> bytes:
    """A zip of everything held about ``user``: their account and audit trail always, and their
    resident record, stays, signed house rules and the registered sections (chores, meetings,
    peer log) when they have been a resident."""
    resident = Resident.objects.filter(user=user).prefetch_related("emergency_contacts").first()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        readme = README_ACCOUNT.format(
            now=dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds"),
            someone_else=SOMEONE_ELSE,
            nobody=NOBODY,
        )
        if resident is not None:
            readme += README_RESIDENT + "".join(text for text, _ in _SECTIONS.values())
        archive.writestr("README.txt", readme)
        _write_json(archive, "account.json", _account(user))
        if resident is not None:
            _write_json(archive, "resident.json", _resident(resident, user))
            write_csv(archive, "stays.csv", *_stays(resident))
            _write_rules(archive, resident)
            for _, write in _SECTIONS.values():
                write(archive, resident)
        write_csv(archive, "audit_trail.csv", *_audit_trail(user, resident))
    return buffer.getvalue()


def _write_json(archive: zipfile.ZipFile, name: str, data: dict[str, Any]) -> None:
    archive.writestr(name, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_csv(
    archive: zipfile.ZipFile, name: str, header: list[str], rows: Iterable[Iterable[Any]]
) -> None:
    """A UTF-8 CSV (opening with the mark Excel needs to read accents) with a header row;
    dates and times as ISO 8601, None as an empty cell, text a spreadsheet would run as a
    formula escaped (``soberhouse.spreadsheets``)."""
    with (
        archive.open(name, "w") as raw,
        io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
    ):
        text.write(UTF8_BOM)
        writer = SafeWriter(text, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(_iso(value) for value in row)


def _iso(value: Any) -> Any:
    """Dates and times as ISO 8601 text; anything else as it is (None stays null in JSON)."""
    if isinstance(value, dt.date):  # dates and datetimes alike
        return value.isoformat()
    return value


def _who(actor_id: int | None, actor_email: str, user: User) -> str:
    if actor_id is None:
        return NOBODY
    return actor_email if actor_id == user.pk else SOMEONE_ELSE


def _account(user: User) -> dict[str, Any]:
    memberships = Membership.objects.filter(user=user).select_related("house").order_by("id")
    methods = Authenticator.objects.filter(user=user).order_by("id")
    return {
        "email": user.email,
        "full_name": user.full_name,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "operator_staff": user.is_operator_staff,
        "manages": [
            {
                "house": membership.house.name,
                "role": membership.get_role_display(),
                "since": _iso(membership.created_at),
            }
            for membership in memberships
        ],
        "two_factor": [
            {
                "method": method.get_type_display(),
                "added": _iso(method.created_at),
                "last_used": _iso(method.last_used_at),
            }
            for method in methods
        ],
    }


def _resident(resident: Resident, user: User) -> dict[str, Any]:
    changes = resident.sobriety_changes.order_by("changed_at", "id")
    return {
        "legal_name": resident.legal_name,
        "preferred_name": resident.preferred_name,
        "pronouns": resident.pronouns,
        "email": user.email,
        "phone": resident.phone,
        "date_of_birth": _iso(resident.date_of_birth),
        "sobriety_date": _iso(resident.sobriety_date),
        "sponsor": {"name": resident.sponsor_name, "phone": resident.sponsor_phone},
        "share_milestones_with_housemates": resident.share_milestones,
        "share_phone_with_housemates": resident.share_phone,
        "record_created": _iso(resident.created_at),
        "emergency_contacts": [
            {"name": contact.name, "relation": contact.relation, "phone": contact.phone}
            for contact in resident.emergency_contacts.all()
        ],
        "sobriety_date_history": [
            {
                "previous_date": _iso(change.previous_date),
                "new_date": _iso(change.new_date),
                "reason": change.reason,
                "changed_at": _iso(change.changed_at),
                "changed_by": (user.email if change.changed_by_id == user.pk else SOMEONE_ELSE),
            }
            for change in changes
        ],
    }


def _stays(resident: Resident) -> tuple[list[str], Iterable[list[Any]]]:
    header = [
        "house",
        "bed",
        "move_in",
        "expected_move_out",
        "move_out",
        "exit_reason",
        "exit_notes",
    ]
    stays = Stay.objects.filter(resident=resident).select_related("house").order_by("move_in")
    rows = (
        [
            stay.house.name,
            stay.bed,
            stay.move_in,
            stay.expected_move_out,
            stay.move_out,
            stay.get_exit_reason_display(),
            stay.exit_notes,
        ]
        for stay in stays.iterator()
    )
    return header, rows


def _rules_file(rules: HouseRules) -> str:
    return f"rules_signed/{rules.house.slug}-v{rules.version}.txt"


def _write_rules(archive: zipfile.ZipFile, resident: Resident) -> None:
    """The signatures as CSV, and beside them the text of each version signed (a person signs
    a handful of versions, so they are read at once)."""
    signatures = list(
        RulesSignature.objects.filter(resident=resident)
        .select_related("rules__house")
        .order_by("signed_at", "id")
    )
    rows = (
        [
            signature.rules.house.name,
            signature.rules.version,
            signature.signed_at,
            signature.typed_name,
            signature.ip,
            _rules_file(signature.rules),
        ]
        for signature in signatures
    )
    header = ["house", "version", "signed_at", "typed_name", "ip", "text_file"]
    write_csv(archive, "rules_signatures.csv", header, rows)
    for signature in signatures:
        rules = signature.rules
        archive.writestr(
            _rules_file(rules),
            f"{rules.house.name}: house rules, version {rules.version}\n"
            f"Published {rules.house.today(rules.published_at).isoformat()}. "
            f"Signed {signature.signed_at.isoformat(timespec='seconds')} "
            f'as "{signature.typed_name}".\n\n{rules.text}\n',
        )


def _audit_trail(user: User, resident: Resident | None) -> tuple[list[str], Iterable[list[Any]]]:
    about = Q(actor_id=user.pk) | Q(object_type=User._meta.label_lower, object_id=str(user.pk))
    if resident is not None:
        about |= Q(object_type=Resident._meta.label_lower, object_id=str(resident.pk))
    events = (
        AuditEvent.objects.filter(about)
        .order_by("at", "id")
        .values_list("at", "action", "actor_id", "actor_email")
    )
    # The words name nothing: this file carries no one else's record, not even by name.
    rows = (
        [at, audit.words(action), action, _who(actor_id, actor_email, user)]
        for at, action, actor_id, actor_email in events.iterator(chunk_size=2000)
    )
    return ["at", "what", "action", "who"], rows
