"""The proposed selection: who fills the places and who waits in reserve. Pure: no I/O.

Decisions already made are kept: people with a place keep it, reserves stay reserves
(moved up only when no new sign-up can fill a place). New sign-ups fill the places, then
the reserves. Within each group, people whose conflicts rule them out of most bids come
last and are flagged; then people free for more of the sessions come first (a "maybe"
counts half; on a tie, more firm yeses), then whoever signed up first. Each person chosen
has a reason (`Proposal.reasons`), and a place for someone who said No to a session
everyone must come to is warned about.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

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
    no: int = 0  # sessions everyone must come to that they said no to


@dataclass(frozen=True)
class Warning:
    """kind: alone, short_places, short_reserves, or conflicts or said_no (with the
    person's id)."""

    kind: str
    count: int = 0
    application_id: int | None = None


@dataclass(frozen=True)
class Proposal:
    panel: tuple[int, ...]
    reserves: tuple[int, ...]
    warnings: tuple[Warning, ...]
    # Why each person is where they are: kept_place, kept_reserve, moved_up or most_free.
    reasons: dict[int, str] = field(default_factory=dict, compare=False)

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


def _fit(candidate: Candidate, bidders: int) -> tuple[int, int, float, int, int, int]:
    return (
        0 if candidate.reachable else 1,
        1 if rules_out_most_bids(candidate.conflicts, bidders) else 0,
        -(candidate.yes + candidate.maybe / 2),
        -candidate.yes,
        candidate.order,
        candidate.application_id,
    )


def propose(
    candidates: Sequence[Candidate], *, places: int, reserve_ratio: float, bidders: int
) -> Proposal:
    def group(status: str) -> list[Candidate]:
        found = [c for c in candidates if c.status == status]
        return sorted(found, key=lambda c: _fit(c, bidders))

    def ready(c: Candidate) -> bool:
        return c.reachable and not rules_out_most_bids(c.conflicts, bidders)

    confirmed, reserve, applied = group("confirmed"), group("reserve"), group("applied")
    wanted_reserves = reserve_target(places, reserve_ratio)
    reasons: dict[int, str] = {}
    panel: list[Candidate] = []
    for c, why in (
        *((c, "kept_place") for c in confirmed),
        *((c, "most_free") for c in applied if ready(c)),
        *((c, "moved_up") for c in reserve if ready(c)),
        *((c, "most_free") for c in applied if not ready(c)),
        *((c, "moved_up") for c in reserve if not ready(c)),
    ):
        if len(panel) < places and c.application_id not in reasons:
            panel.append(c)
            reasons[c.application_id] = why
    reserves: list[Candidate] = []
    for c, why in (
        *((c, "kept_reserve") for c in reserve),
        *((c, "kept_place") for c in confirmed),
        *((c, "most_free") for c in applied),
    ):
        if len(reserves) < wanted_reserves and c.application_id not in reasons:
            reserves.append(c)
            reasons[c.application_id] = why
    warnings: list[Warning] = []
    sitting = sum(1 for c in panel if c.role in PANEL_ROLES)
    if sitting < MIN_LIVED_EXPERIENCE:
        warnings.append(Warning("alone", sitting))
    if len(panel) < places:
        warnings.append(Warning("short_places", places - len(panel)))
    if len(reserves) < wanted_reserves:
        warnings.append(Warning("short_reserves", wanted_reserves - len(reserves)))
    warnings.extend(Warning("said_no", c.no, c.application_id) for c in panel if c.no)
    warnings.extend(
        Warning("conflicts", c.conflicts, c.application_id)
        for c in (*panel, *reserves)
        if rules_out_most_bids(c.conflicts, bidders)
    )
    return Proposal(
        tuple(c.application_id for c in panel),
        tuple(c.application_id for c in reserves),
        tuple(warnings),
        reasons,
    )
