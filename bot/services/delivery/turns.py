"""A broadcast's ledger, written in gathered turns: each sender, after each message, records
how it went and claims the next person in the same transaction, and every sender asking
while a write is under way has its turn in the next one.

At most one person per sender is ever marked "sending" (claimed, not yet settled), as
before: a sender records its last message before it takes the next person. What the
gathering saves is the trips to the database thread, which on a busy machine each wait for
a core: one transaction for the senders who finish about together, rather than two for
each message.

Nothing here imports Telegram.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.context import AppContext
from bot.store import broadcasts, volunteers
from bot.store.broadcasts import Recipient


@dataclass(frozen=True)
class Settled:
    """How one message went: delivered, failed or blocked."""

    volunteer_id: int
    state: str


@dataclass
class _Turn:
    settled: Settled | None
    claim: bool
    claimed: asyncio.Future[Recipient | None]


class Turns:
    """The ledger writes of one broadcast's senders."""

    def __init__(self, app: AppContext, broadcast_id: int) -> None:
        self.app = app
        self.broadcast_id = broadcast_id
        self.writes = 0  # transactions so far
        self._waiting: list[_Turn] = []
        self._writing: asyncio.Task[None] | None = None

    async def next(self, settled: Settled | None, *, claim: bool = True) -> Recipient | None:
        """Record `settled` (the sender's last message) and, if `claim`, mark the next person
        as being sent to and return them; None when nobody is left (or not claiming).

        Cut off while waiting, it still waits for the write under way to end: cancelled in
        the middle, the transaction could leave the connection inside it."""
        claimed: asyncio.Future[Recipient | None] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Turn(settled, claim, claimed))
        if self._writing is None:
            self._writing = asyncio.ensure_future(self._write())
        writing = self._writing
        try:
            return await asyncio.shield(claimed)
        except asyncio.CancelledError:
            await writing
            if claimed.done() and not claimed.cancelled():
                claimed.exception()  # seen: nobody else will look
            raise

    async def _write(self) -> None:
        """Every waiting turn, in one transaction; then those that came meanwhile. A failed
        write is each of its turns' error, not the writer's."""
        turns: list[_Turn] = []
        try:
            while self._waiting:
                turns, self._waiting = self._waiting, []
                try:
                    people = await self._one_write(turns)
                except Exception as error:
                    for turn in turns:
                        turn.claimed.set_exception(error)
                    continue
                for turn in turns:
                    turn.claimed.set_result(people.pop(0) if turn.claim and people else None)
        except asyncio.CancelledError:  # the loop is closing: nobody waits for ever
            for turn in [*turns, *self._waiting]:
                turn.claimed.cancel()
            self._waiting = []
            raise
        finally:
            self._writing = None

    async def _one_write(self, turns: list[_Turn]) -> list[Recipient]:
        settled = [turn.settled for turn in turns if turn.settled is not None]
        wanted = sum(turn.claim for turn in turns)
        self.writes += 1
        # Small, indexed statements: on the loop's thread, a trip only to commit (bot.store.tx).
        async with self.app.db.transaction(inline=True) as tx:
            await broadcasts.settle(
                tx,
                self.broadcast_id,
                [(s.volunteer_id, s.state) for s in settled],
                self.app.clock.now(),
            )
            for s in settled:
                if s.state == "blocked":
                    await volunteers.update(tx, s.volunteer_id, unreachable=1)
            return await broadcasts.claim(tx, self.broadcast_id, wanted) if wanted else []
