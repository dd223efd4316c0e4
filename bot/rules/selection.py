"""The proposed selection: who fills the places and who waits in reserve. Pure: no I/O.

Decisions already made are kept where they fit: people with a place come first, then
reserves, then new sign-ups. Within each group, people free for more of the sessions come
first (a "maybe" counts half; on a tie, more firm yeses), then whoever signed up first.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

PANEL_ROLES = frozenset({"service_user", "carer", "both"})
_STATUS_RANK = {"confirmed": 0, "reserve": 1, "applied": 2}
MIN_LIVED_EXPERIENCE = 2  # nobody should sit on a panel as the only service user or carer


@dataclass(frozen=True)
class Candidate:
    application_id: int
    status: str  # applied, confirmed or reserve; anything else is not a candidate
    role: str | None
    yes: int  # sessions they said yes to
    maybe: int
    conflicts: int  # how many of the bidders they have a conflict of interest with
    order: int  # sign-up order: lower signed up first
    reachable: bool = True  # False once they blocked the bot: they cannot be told


@dataclass(frozen=True)
class Warning:
    """kind: alone, short_places, short_reserves or conflicts (with the person's id)."""

    kind: str
    count: int = 0
    application_id: int | None = None


@dataclass(frozen=True)
class Proposal:
    panel: tuple[int, ...]
    reserves: tuple[int, ...]
    warnings: tuple[Warning, ...]

    @property
    def key(self) -> str:
        """A short fingerprint, so a press on an old proposal can be told from a current one."""
        text = ",".join(map(str, self.panel)) + "|" + ",".join(map(str, self.reserves))
        return hashlib.sha256(text.encode()).hexdigest()[:10]


def reserve_target(places: int, reserve_ratio: float) -> int:
    # The small epsilon keeps 3 x (1/3) from becoming 2 through floating point.
    return max(0, math.ceil(places * reserve_ratio - 1e-9))


def rules_out_most_bids(conflicts: int, bidders: int) -> bool:
    return bidders > 0 and conflicts * 2 > bidders


def _rank(candidate: Candidate) -> tuple[int, int, float, int, int, int]:
    return (
        0 if candidate.reachable else 1,
        _STATUS_RANK[candidate.status],
        -(candidate.yes + candidate.maybe / 2),
        -candidate.yes,
        candidate.order,
        candidate.application_id,
    )


def propose(
    candidates: Sequence[Candidate], *, places: int, reserve_ratio: float, bidders: int
) -> Proposal:
    eligible = sorted((c for c in candidates if c.status in _STATUS_RANK), key=_rank)
    wanted_reserves = reserve_target(places, reserve_ratio)
    panel = eligible[:places]
    reserves = eligible[places : places + wanted_reserves]
    warnings: list[Warning] = []
    sitting = sum(1 for c in panel if c.role in PANEL_ROLES)
    if sitting < MIN_LIVED_EXPERIENCE:
        warnings.append(Warning("alone", sitting))
    if len(panel) < places:
        warnings.append(Warning("short_places", places - len(panel)))
    if len(reserves) < wanted_reserves:
        warnings.append(Warning("short_reserves", wanted_reserves - len(reserves)))
    warnings.extend(
        Warning("conflicts", c.conflicts, c.application_id)
        for c in (*panel, *reserves)
        if rules_out_most_bids(c.conflicts, bidders)
    )
    return Proposal(
        tuple(c.application_id for c in panel),
        tuple(c.application_id for c in reserves),
        tuple(warnings),
    )
