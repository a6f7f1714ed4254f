"""Counting a vote: plain functions, no database.

Quorum asks whether enough of the house is in the room for a vote to count; passing asks whether
the votes cast carry the motion. Abstentions count towards neither yes nor no: someone who
abstains was there (they count for the quorum) but did not take a side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from meetings.models import HouseMeetingSettings, Motion


def quorum_needed(residents: int, rule: str) -> int:
    """How many residents must be present for a vote to count, out of ``residents`` living in
    the house at the meeting. At least one."""
    if rule == HouseMeetingSettings.Quorum.TWO_THIRDS:
        return max(1, math.ceil(2 * residents / 3))
    return residents // 2 + 1


@dataclass(frozen=True)
class Tally:
    yes: int
    no: int
    abstain: int
    present: int
    residents: int

    def has_quorum(self, rule: str) -> bool:
        return self.residents > 0 and self.present >= quorum_needed(self.residents, rule)

    def carries(self, rule: str) -> bool:
        """Whether the yes votes carry it: more yes than no, or two thirds of the yes and no
        votes (a tie never carries)."""
        if rule == HouseMeetingSettings.Passing.TWO_THIRDS:
            return self.yes > 0 and 3 * self.yes >= 2 * (self.yes + self.no)
        return self.yes > self.no

    def result(self, *, quorum: str, passing: str) -> str:
        """passed, failed or no_quorum."""
        if not self.has_quorum(quorum):
            return Motion.Status.NO_QUORUM
        return Motion.Status.PASSED if self.carries(passing) else Motion.Status.FAILED
