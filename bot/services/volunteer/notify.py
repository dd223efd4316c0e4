"""Messages to coordinators about what volunteers do."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot import views
from bot.callbacks import ReplyTo
from bot.config import Settings
from bot.replies import Button, MessageCopy, Notice, Reply, rows
from bot.services.delivery import news
from bot.services.volunteer.steps import StepCtx
from bot.store.rights import coordinator_ids
from messages import label, render


async def coordinator_chat_ids(tx: aiosqlite.Connection, settings: Settings) -> list[int]:
    """Coordinators' private chats: their chat id is their user id."""
    return await coordinator_ids(tx, settings)


async def question_asked(c: StepCtx, question_id: int, question: str) -> list[Notice]:
    return await to_coordinators(
        c.tx,
        c.app.settings,
        "coordinator/question",
        question_id,
        question=question,
        name=c.volunteer.name,
        panel=views.panel_view(c.panel) if c.panel else None,
    )


async def to_coordinators(
    tx: aiosqlite.Connection,
    settings: Settings,
    template: str,
    question_id: int | None,
    *,
    copy: MessageCopy | None = None,
    **context: Any,
) -> list[Notice]:
    """A question (or a message passed on) for every coordinator, with a Reply button when
    there is a question to answer."""
    text = render(template, question_id=question_id, **context)
    buttons = (
        ()
        if question_id is None
        else rows(Button(label("coord.reply"), ReplyTo(question_id).pack()))
    )
    return [
        Notice(chat_id, Reply(text, buttons), copy)
        for chat_id in await coordinator_chat_ids(tx, settings)
    ]


async def application_sent(c: StepCtx) -> list[Notice]:
    # News goes through bot/services/news.py, which batches bursts into one digest.
    return await news.record(
        c.tx, c.app.settings, "signup", c.need_panel().id, c.volunteer.id, c.now
    )


async def details_changed(c: StepCtx, flow: str) -> list[Notice]:
    kind = flow if flow in ("needs", "availability") else "needs"
    return await news.record(
        c.tx, c.app.settings, kind, c.panel.id if c.panel else None, c.volunteer.id, c.now
    )


async def withdrawn(
    tx: aiosqlite.Connection, settings: Settings, panel_id: int, volunteer_id: int, now: datetime
) -> list[Notice]:
    return await news.record(tx, settings, "withdrawn", panel_id, volunteer_id, now)
