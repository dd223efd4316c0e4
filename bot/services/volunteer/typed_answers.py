"""Typed answers to questions asked outside the sign-up journey: the feedback survey, or the
details of an award. The volunteer service hands text here when the person is on no journey.
"""

from __future__ import annotations

from datetime import timedelta

from bot.context import AppContext, Person
from bot.replies import Outcome
from bot.services.coordinator.outcome import AWARD_PROMPTS, OutcomeService
from bot.services.volunteer.feedback import COMMENT_PROMPT, QUESTION_PROMPT, FeedbackService
from bot.store import prompts
from bot.store.tx import Tx

# A question left unanswered this long lapses: later text is not taken as its answer.
LAPSES_AFTER = timedelta(hours=2)


async def on_text(app: AppContext, tx: Tx, person: Person, typed: str) -> Outcome | None:
    """Handle the text if the bot is waiting for a typed answer from this person."""
    prompt = await prompts.get(tx, person.telegram_id)
    if prompt is None:
        return None
    if prompt.asked_at is None or app.clock.now() - prompt.asked_at > LAPSES_AFTER:
        await prompts.clear(tx, person.telegram_id)
        return None
    if prompt.kind == COMMENT_PROMPT:
        return await FeedbackService(app).comment(tx, person, prompt, typed)
    if prompt.kind == QUESTION_PROMPT:
        return await FeedbackService(app).typed(tx, person, prompt, typed)
    if prompt.kind in AWARD_PROMPTS:
        return await OutcomeService(app).text(tx, person, prompt, typed)
    await prompts.clear(tx, person.telegram_id)
    return None
