"""Answering volunteers' questions. The answer goes from the bot, never from a coordinator's
own account, and the thread is kept (`question_replies`)."""

from __future__ import annotations

from typing import Any

from bot import views
from bot.callbacks import ReplyTo
from bot.replies import Notice, Outcome, Reply, rows
from bot.services.coordinator.base import CoordCtx, kbutton, say
from bot.store import coordinators, question_replies, volunteers
from bot.store.question_replies import Question
from bot.text import QUESTION_MAX, clean
from messages import label, render

INPUT = "reply"
SHOWN = 10


async def _question(c: CoordCtx, question_id: int) -> Question | None:
    """The question, if this coordinator may see it: one about a panel is for that panel's
    coordinators; one about none, for everyone."""
    question = await question_replies.get(c.tx, question_id)
    if question is None or question.panel_id is None:
        return question
    return question if c.rights.sees(question.panel_id) else None


async def start_reply(c: CoordCtx, question_id: int) -> Outcome:
    question = await _question(c, question_id)
    if question is None:
        return Outcome([say("question_gone")])
    await coordinators.expect_input(
        c.tx, c.person.telegram_id, INPUT, {"question_id": question_id}, c.now
    )
    return Outcome(
        [
            say(
                "reply_write",
                question=question.text,
                question_id=question_id,
                answered=len(question.answers),
            )
        ]
    )


async def typed(c: CoordCtx, data: dict[str, Any], typed_text: str) -> Outcome:
    question_id = int(data.get("question_id", 0))
    question = await _question(c, question_id)
    volunteer = None if question is None else await volunteers.get(c.tx, question.volunteer_id)
    if question is None or volunteer is None:
        await coordinators.clear_input(c.tx, c.person.telegram_id)
        return Outcome([say("question_gone")])
    answer = clean(typed_text)
    if not answer:
        return Outcome([say("reply_empty")])
    if len(answer) > QUESTION_MAX:
        return Outcome([say("reply_too_long", limit=QUESTION_MAX, length=len(answer))])
    await question_replies.add_answer(c.tx, question_id, c.person.telegram_id, answer, c.now)
    await coordinators.clear_input(c.tx, c.person.telegram_id)
    panel = None if question.panel_id is None else await c.panel(question.panel_id)
    await c.audit(
        "answer_question", panel, volunteer_id=volunteer.id, detail=f"question {question_id}"
    )
    to_volunteer = render(
        "volunteer_news/answer",
        question=question.text,
        answer=answer,
        panel=None if panel is None else views.panel_view(panel),
    )
    name = volunteer.name or label("coord.no_name")
    to_others = render(
        "coordinator/answered_by_other",
        who=c.person.first_name,
        name=name,
        question_id=question_id,
        answer=answer,
    )
    notices = [Notice(volunteer.chat_id, Reply(to_volunteer))]
    notices += [Notice(chat, Reply(to_others)) for chat in await c.other_coordinators(panel)]
    return Outcome([say("reply_sent", name=name, question_id=question_id)], notices)


async def recent(c: CoordCtx) -> Outcome:
    panel_ids = None if c.rights.every_panel else list(c.rights.roles)
    found = await question_replies.recent(c.tx, SHOWN, panel_ids)
    items = []
    for question in found:
        volunteer = await volunteers.get(c.tx, question.volunteer_id)
        items.append(
            {
                "id": question.id,
                "text": question.text,
                "asked": question.asked_at.astimezone(c.tz),
                "name": (volunteer.name if volunteer else None) or label("coord.no_name"),
                "answers": [a.text for a in question.answers],
            }
        )
    await c.audit("view_questions")
    buttons = [kbutton("reply_to", ReplyTo(q.id), number=q.id) for q in found]
    return Outcome([Reply(render("coordinator/questions", items=items), rows(*buttons))])
