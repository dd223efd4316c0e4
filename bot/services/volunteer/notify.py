"""Messages to coordinators about what volunteers do."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot import views
from bot.callbacks import ReplyTo
from bot.config import Settings
from bot.replies import Button, Notice, Reply, rows
from bot.services.delivery import news
from bot.services.volunteer.steps import StepCtx
from bot.store.rights import coordinator_ids
from messages import label, render


async def coordinator_chat_ids(tx: aiosqlite.Connection, settings: Settings) -> list[int]:
    """Coordinators' private chats: their chat id is their user id."""
    return await coordinator_ids(tx, settings)


async def question_asked(c: StepCtx, question_id: int, question: str) -> list[Notice]:
    text = render("coordinator/question", question=question, name=c.volunteer.name,
                  panel=views.panel_view(c.panel) if c.panel else None,
                  question_id=question_id)
    reply = Reply(text, rows(Button(label("coord.reply"), ReplyTo(question_id).pack())))
    return [Notice(chat_id, reply)
            for chat_id in await coordinator_chat_ids(c.tx, c.app.settings)]


async def application_sent(c: StepCtx) -> list[Notice]:
    # News goes through bot/services/news.py, which batches bursts into one digest.
    return await news.record(c.tx, c.app.settings, "signup", c.need_panel().id, c.volunteer.id,
                             c.now)


async def details_changed(c: StepCtx, flow: str) -> list[Notice]:
    kind = flow if flow in ("needs", "availability") else "needs"
    return await news.record(c.tx, c.app.settings, kind, c.panel.id if c.panel else None,
                             c.volunteer.id, c.now)


async def withdrawn(tx: aiosqlite.Connection, settings: Settings, panel_id: int,
                    volunteer_id: int, now: datetime) -> list[Notice]:
    return await news.record(tx, settings, "withdrawn", panel_id, volunteer_id, now)
