"""Messages to coordinators about what volunteers do."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import views
from bot.callbacks import ReplyTo
from bot.config import Settings
from bot.replies import Button, MessageCopy, Notice, Reply, rows
from bot.services.delivery import news
from bot.services.volunteer.steps import StepCtx
from bot.store.rights import coordinators_of
from bot.store.tx import Tx
from messages import label, render


async def coordinator_chat_ids(
    tx: Tx, settings: Settings, panel_id: int | None, *, owners_only: bool = False
) -> list[int]:
    """The private chats (their chat id is their user id) of those with a right to this panel;
    with owners_only, of its owners, for what tells of someone's health."""
    return await coordinators_of(tx, settings, panel_id, owners_only=owners_only)


async def question_asked(c: StepCtx, question_id: int, question: str) -> list[Notice]:
    return await to_coordinators(
        c.tx,
        c.app.settings,
        "coordinator/question",
        question_id,
        panel_id=c.panel.id if c.panel else None,
        question=question,
        name=c.volunteer.name,
        panel=views.panel_view(c.panel) if c.panel else None,
    )


async def to_coordinators(
    tx: Tx,
    settings: Settings,
    template: str,
    question_id: int | None,
    *,
    panel_id: int | None,
    owners_only: bool = False,
    copy: MessageCopy | None = None,
    **context: Any,
) -> list[Notice]:
    """A question (or a message passed on) for the coordinators of its panel, with a Reply
    button when there is a question to answer."""
    text = render(template, question_id=question_id, **context)
    buttons = (
        ()
        if question_id is None
        else rows(Button(label("coord.reply"), ReplyTo(question_id).pack()))
    )
    chats = await coordinator_chat_ids(tx, settings, panel_id, owners_only=owners_only)
    if not chats:  # a panel run by helpers alone: someone must still hear it
        chats = await coordinator_chat_ids(tx, settings, panel_id)
    return [Notice(chat_id, Reply(text, buttons), copy) for chat_id in chats]


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
    tx: Tx, settings: Settings, panel_id: int, volunteer_id: int, now: datetime
) -> list[Notice]:
    return await news.record(tx, settings, "withdrawn", panel_id, volunteer_id, now)
