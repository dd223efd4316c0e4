"""Messages to coordinators about what volunteers do."""

from __future__ import annotations

import aiosqlite

from bot.config import Settings
from bot.services import views
from bot.services.replies import Notice, Reply
from bot.services.steps import StepCtx
from messages import render


async def coordinator_chat_ids(tx: aiosqlite.Connection, settings: Settings) -> list[int]:
    """Coordinators' private chats: their chat id is their user id."""
    return sorted(settings.coordinators)


async def _to_coordinators(c: StepCtx, text: str) -> list[Notice]:
    return [Notice(chat_id, Reply(text))
            for chat_id in await coordinator_chat_ids(c.tx, c.app.settings)]


async def question_asked(c: StepCtx, question_id: int, question: str) -> list[Notice]:
    text = render("coordinator/question", question=question, name=c.volunteer.name,
                  panel=views.panel_view(c.panel) if c.panel else None,
                  question_id=question_id)
    return await _to_coordinators(c, text)


async def application_sent(c: StepCtx) -> list[Notice]:
    text = render("coordinator/new_signup", name=c.volunteer.name,
                  panel=views.panel_view(c.need_panel()))
    return await _to_coordinators(c, text)


async def details_changed(c: StepCtx, flow: str) -> list[Notice]:
    text = render("coordinator/details_changed", name=c.volunteer.name, what=flow,
                  panel=views.panel_view(c.panel) if c.panel else None)
    return await _to_coordinators(c, text)
