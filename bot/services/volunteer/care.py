"""Care for someone whose words suggest they are struggling: a gentle reply at once, day or
night (we are a small team, not a crisis service; the team's contact; the crisis lines),
and their message passed to the team as a question. Never logs what they wrote."""

from __future__ import annotations

import logging

from bot import views
from bot.context import AppContext, Person
from bot.replies import Outcome, Reply
from bot.services.volunteer import notify, team
from bot.store import questions, volunteers
from bot.store.tx import Tx
from bot.text import QUESTION_MAX, clean
from messages import render

log = logging.getLogger(__name__)


async def care(app: AppContext, tx: Tx, person: Person, typed: str) -> Outcome:
    volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
    panel = await team.panel_of(app, tx, person.telegram_id)
    message = clean(typed)
    if len(message) > QUESTION_MAX:
        message = message[: QUESTION_MAX - 1] + "…"
    question_id = None
    if volunteer is not None:
        # Before consent nothing is stored: the team is still told, and the person still helped.
        question_id = await questions.add(
            tx, panel.id if panel else None, volunteer.id, message, app.clock.now()
        )
    notices = await notify.to_coordinators(
        tx, app.settings, "coordinator/care", question_id, question=message,
        panel_id=panel.id if panel else None, owners_only=True,
        name=volunteer.name if volunteer and volunteer.name else person.first_name,
        panel=views.panel_view(panel) if panel else None,
    )  # fmt: skip
    log.info("a message that suggests distress went to the team (question %s)", question_id)
    return Outcome([Reply(render("volunteer/care", team=team.of_panel(panel).view()))], notices)
