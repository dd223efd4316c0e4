"""Put people and panels straight into the database, for tests that need them quickly.

`confirmed_volunteer` gives a person with a place (or any status) without walking through
sign-up; tests/journey.py does it the real way, through the chat.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.config import Settings
from bot.panelfile import PanelSpec, parse_panel_text
from bot.standin.api import FakeUser
from bot.store import applications, panels, volunteers
from bot.store.db import Database
from tests.conftest import EXAMPLE_PANEL, World


async def signed_up(world: World, panel_id: int, user: FakeUser, now: datetime,
                    **options: Any) -> Made:
    """`confirmed_volunteer` for a test with the stand-in: they signed up through the chat
    (so the stand-in knows their chat), only quicker."""
    world.api.wrote_before(user.id)
    return await confirmed_volunteer(world.db, panel_id, user, now, **options)


@dataclass(frozen=True)
class Made:
    user: FakeUser
    volunteer_id: int
    application_id: int


async def confirmed_volunteer(
    db: Database,
    panel_id: int,
    user: FakeUser,
    now: datetime,
    *,
    status: str = "confirmed",
    needs: Iterable[str] = (),
    payment: str = "paid",
    interviews: bool = True,
    future_panels: bool = False,
    contact: str | None = None,
    availability: Mapping[str, str] | None = None,
) -> Made:
    """A volunteer with an application in `status`. Availability is by session key: every
    session not named is "yes"."""
    chosen = dict(availability or {})
    async with db.transaction() as tx:
        volunteer = await volunteers.consent(tx, user.id, user.id, now)
        await volunteers.update(
            tx, volunteer.id, name=user.first_name, role="service_user", contact=contact,
            future_panels=int(future_panels),
        )  # fmt: skip
        codes = list(needs)
        if codes:
            await volunteers.set_needs_consent(tx, volunteer.id, now)
            await volunteers.set_needs(tx, volunteer.id, codes)
        application = await applications.create(tx, panel_id, volunteer.id, now)
        await applications.update(
            tx, application.id, now, status=status, payment=payment, interviews=int(interviews),
            submitted_at=now,
        )  # fmt: skip
        sessions = await panels.sessions(tx, panel_id)
        await applications.set_availability(
            tx, application.id, {s.id: chosen.get(s.key, "yes") for s in sessions}
        )
    return Made(user, volunteer.id, application.id)


def panel_yaml(
    code: str, sessions: str, *, closes: str = "2027-01-20 17:00", extra: str = ""
) -> str:
    """The example panel file with another code, these sessions (YAML list items indented
    by two spaces) and closing time; `extra` lines replace the file's own settings after
    `reminders:` (reminders, retention, feedback delay, follow-on)."""
    text = EXAMPLE_PANEL.read_text(encoding="utf-8")
    head, _, rest = text.partition("sessions:\n")
    _, _, tail = rest.partition("reading:\n")
    text = f"{head}sessions:\n{sessions}\nreading:\n{tail}"
    text = text.replace("code: ashbridge-day-2027", f"code: {code}")
    text = text.replace("closes: 2027-02-26 17:00", f"closes: {closes}")
    if extra:
        text = text[: text.index("reminders:")] + extra
    return text


def spec_from(text: str, settings: Settings) -> PanelSpec:
    return parse_panel_text(text, default_timezone=settings.timezone.key)


async def add_panel(db: Database, spec: PanelSpec, now: datetime) -> int:
    async with db.transaction() as tx:
        panel_id, _ = await panels.upsert(tx, spec, now)
    return panel_id
