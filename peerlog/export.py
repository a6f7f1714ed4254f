"""A resident's peer log in their ``/me/data/`` archive (registered from
``PeerlogConfig.ready``). Private notes stay out of it, as they stay out of every export."""

from __future__ import annotations

import zipfile

from django.db.models import Q

from peerlog.models import Entry, Reply
from residents.export import write_csv
from residents.models import Resident

README = """
peer_log.csv
    Each entry in the logs you keep with your mentor or your mentees: when, house, whether
    you were the mentor or the mentee, who wrote it, the kind of contact, minutes, how they
    were doing (1 to 5), the shared note, the next contact planned, and when it was
    acknowledged. Private notes are not included.

peer_log_replies.csv
    Each reply in those logs: when the entry was, when the reply was written, who wrote it,
    and the reply.
"""


def _who(author_id: int, resident: Resident, mentor_id: int) -> str:
    """The writer named by their part, never by name: "me", "my mentor" or "my mentee"."""
    if author_id == resident.pk:
        return "me"
    return "my mentor" if author_id == mentor_id else "my mentee"


def write(archive: zipfile.ZipFile, resident: Resident) -> None:
    mine = Q(pairing__mentor=resident) | Q(pairing__mentee=resident)
    entries = Entry.objects.filter(mine).select_related("pairing__house").order_by("at", "id")
    write_csv(
        archive,
        "peer_log.csv",
        [
            "at",
            "house",
            "my_part",
            "written_by",
            "kind",
            "minutes",
            "wellbeing",
            "shared_note",
            "next_contact_on",
            "acknowledged_at",
        ],
        (
            [
                entry.at,
                entry.pairing.house.name,
                "mentor" if entry.pairing.mentor_id == resident.pk else "mentee",
                _who(entry.author_id, resident, entry.pairing.mentor_id),
                entry.get_kind_display(),
                entry.minutes,
                entry.wellbeing,
                entry.shared_note,
                entry.next_contact_on,
                entry.acknowledged_at,
            ]
            for entry in entries.iterator(chunk_size=2000)
        ),
    )
    replies = (
        Reply.objects.filter(
            Q(entry__pairing__mentor=resident) | Q(entry__pairing__mentee=resident)
        )
        .select_related("entry__pairing")
        .order_by("at", "id")
    )
    write_csv(
        archive,
        "peer_log_replies.csv",
        ["entry_at", "at", "written_by", "text"],
        (
            [
                reply.entry.at,
                reply.at,
                _who(reply.author_id, resident, reply.entry.pairing.mentor_id),
                reply.text,
            ]
            for reply in replies.iterator(chunk_size=2000)
        ),
    )
