"""Feedback after the award, in chat: five questions with buttons, then a comment, then
whether the person wants to hear about future panels. `/feedback CODE` sums it up.

Buttons: callbacks.FeedbackStep, FeedbackAnswer and FeedbackFuture. A press counts only from
the person the application belongs to, while they are still on the panel and were asked for
feedback.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot import views
from bot.callbacks import FeedbackAnswer, FeedbackFuture, FeedbackPanel, FeedbackStep, parse
from bot.context import AppContext, Person
from bot.csvfile import to_csv
from bot.model import FEEDBACK_QUESTIONS as QUESTIONS
from bot.model import IN_THE_RUNNING, Application, Panel, Volunteer
from bot.replies import Button, Document, Outcome, Reply, rows
from bot.services.coordinator import not_allowed
from bot.services.volunteer import team
from bot.services.volunteer.typed_buttons import match_button
from bot.store import applications, outcomes, panels, prompts, volunteers
from bot.store.outcomes import Feedback
from bot.store.rights import rights_of
from bot.store.tx import Tx
from bot.text import NOTE_MAX, clean
from messages import label, render

COMMENT_PROMPT = "feedback_comment"
# A survey question with buttons is on screen: typed words may mean one of them.
QUESTION_PROMPT = "feedback_question"


def _say(template: str, **context: Any) -> Reply:
    return Reply(render(f"scheduler/{template}", **context))


def _question(application_id: int, index: int, *, edit: bool) -> Reply:
    question, answers = QUESTIONS[index]
    return Reply(
        render(
            "scheduler/feedback_question", number=index + 1, total=len(QUESTIONS), question=question
        ),
        rows(
            *(
                Button(
                    label(f"feedback.{question}.{answer}"),
                    FeedbackAnswer(application_id, index, answer).pack(),
                )
                for answer in answers
            )
        ),
        edit=edit,
    )


def _future_question(application_id: int) -> Reply:
    return Reply(
        render("scheduler/feedback_future"),
        rows(
            *(
                Button(
                    label(f"feedback.future_{a}"), FeedbackFuture(application_id, "fp", a).pack()
                )
                for a in ("yes", "no")
            )
        ),
    )


class FeedbackService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    async def button(
        self, person: Person, pressed: FeedbackStep | FeedbackAnswer | FeedbackFuture
    ) -> Outcome:
        application_id = pressed.application_id
        async with self.app.db.transaction() as tx:
            found = await self._mine(tx, person, application_id)
            if found is None:
                return Outcome([_say("stale")])
            _, volunteer, feedback = found
            now = self.app.clock.now()
            if isinstance(pressed, FeedbackFuture):
                await prompts.clear(tx, person.telegram_id)
                await outcomes.answer(tx, application_id, "future_panels", pressed.answer, now)
                await volunteers.update(
                    tx, volunteer.id, future_panels=int(pressed.answer == "yes")
                )
                return Outcome([_say("feedback_done", future=pressed.answer == "yes")])
            if isinstance(pressed, FeedbackAnswer):
                return await self._answer(tx, person, pressed)
            if pressed.step == "later":
                return Outcome([_say("feedback_later")])
            if pressed.step == "go":
                return Outcome([await self._next(tx, person, feedback, edit=False)])
            if feedback.comment is None:
                await outcomes.answer(tx, application_id, "comment", "", now)
            await self._asked(tx, person, application_id)
            return Outcome([_future_question(application_id)])

    async def _answer(self, tx: Tx, person: Person, pressed: FeedbackAnswer) -> Outcome:
        if pressed.question >= len(QUESTIONS):
            return Outcome([_say("stale")])
        question, answers = QUESTIONS[pressed.question]
        if pressed.answer not in answers:
            return Outcome([_say("stale")])
        now = self.app.clock.now()
        await outcomes.answer(tx, pressed.application_id, question, pressed.answer, now)
        fresh = await outcomes.feedback(tx, pressed.application_id)
        assert fresh is not None
        return Outcome([await self._next(tx, person, fresh, edit=True)])

    async def _mine(
        self, tx: Tx, person: Person, application_id: int
    ) -> tuple[Application, Volunteer, Feedback] | None:
        volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
        application = await applications.get(tx, application_id)
        feedback = await outcomes.feedback(tx, application_id)
        if (
            volunteer is None
            or application is None
            or feedback is None
            or application.volunteer_id != volunteer.id
            or application.status not in IN_THE_RUNNING
        ):
            return None
        return application, volunteer, feedback

    async def _next(self, tx: Tx, person: Person, feedback: Feedback, *, edit: bool) -> Reply:
        """The first question not answered yet, then the comment, then future panels."""
        for index, (question, _) in enumerate(QUESTIONS):
            if feedback.answers.get(question) is None:
                await self._asked(tx, person, feedback.application_id)
                return _question(feedback.application_id, index, edit=edit)
        if feedback.comment is None:
            await prompts.put(
                tx,
                prompts.Prompt(person.telegram_id, COMMENT_PROMPT, feedback.application_id),
                self.app.clock.now(),
            )
            return Reply(
                render("scheduler/feedback_comment"),
                rows(
                    Button(
                        label("feedback.skip"), FeedbackStep(feedback.application_id, "skip").pack()
                    )
                ),
                edit=edit,
            )
        if feedback.future_panels is None:
            await self._asked(tx, person, feedback.application_id)
            return _future_question(feedback.application_id)
        return _say("feedback_done", future=feedback.future_panels == "yes")

    async def _asked(self, tx: Tx, person: Person, application_id: int) -> None:
        asked = prompts.Prompt(person.telegram_id, QUESTION_PROMPT, application_id)
        await prompts.put(tx, asked, self.app.clock.now())

    async def typed(self, tx: Tx, person: Person, prompt: prompts.Prompt, typed: str) -> Outcome:
        """Typed words for the question on screen: its button's words count as pressing it."""
        found = await self._mine(tx, person, prompt.ref)
        if found is None:
            await prompts.clear(tx, person.telegram_id)
            return Outcome([_say("stale")])
        asked = await self._next(tx, person, found[2], edit=False)
        if not asked.buttons:
            return Outcome([asked])
        matched = match_button(asked.buttons, typed)
        if isinstance(matched, list):
            choices = [b.label for b in matched]
            return Outcome([Reply(render("volunteer/which_one", choices=choices), asked.buttons)])
        pressed = None if matched is None else parse(matched.data)
        if isinstance(pressed, FeedbackStep | FeedbackAnswer | FeedbackFuture):
            return await self.button(person, pressed)
        the_team = (await team.for_person(self.app, tx, person.telegram_id)).view()
        return Outcome([_say("feedback_use_buttons", team=the_team), asked])

    async def comment(self, tx: Tx, person: Person, prompt: prompts.Prompt, typed: str) -> Outcome:
        text = clean(typed)
        if not text:
            return Outcome([_say("feedback_comment_empty")])
        if len(text) > NOTE_MAX:
            return Outcome([_say("too_long", limit=NOTE_MAX)])
        found = await self._mine(tx, person, prompt.ref)
        await prompts.clear(tx, person.telegram_id)
        if found is None:
            return Outcome([_say("stale")])
        await outcomes.answer(tx, prompt.ref, "comment", text, self.app.clock.now())
        fresh = await outcomes.feedback(tx, prompt.ref)
        assert fresh is not None
        return Outcome(
            [_say("feedback_comment_thanks"), await self._next(tx, person, fresh, edit=False)]
        )

    # --- the coordinators' summary ----------------------------------------------------

    async def summary(self, person: Person, code: str) -> Outcome:
        async with self.app.db.transaction() as tx:
            rights = await rights_of(tx, self.app.settings, person.telegram_id)
            if rights is None:
                return not_allowed.unknown_command()
            tz = self.app.settings.timezone
            panel = await panels.get_by_code(tx, code, tz) if code else None
            if panel is None or not rights.sees(panel.id):
                found = [p for p in await panels.list_all(tx, tz) if rights.sees(p.id)]
                text = _say("which_panel", command="/feedback", codes=[p.code for p in found])
                buttons = rows(*(Button(p.code, FeedbackPanel(p.id).pack()) for p in found))
                return Outcome([Reply(text.text, buttons)])
            answers = await outcomes.feedback_for_panel(tx, panel.id)
        return _summed_up(panel, answers)

    async def summary_of(self, person: Person, pressed: FeedbackPanel) -> Outcome | None:
        """None for anyone who is not a coordinator, before any id is looked up."""
        async with self.app.db.transaction() as tx:
            rights = await rights_of(tx, self.app.settings, person.telegram_id)
            if rights is None:
                return None
            panel = await panels.get(tx, pressed.panel_id, self.app.settings.timezone)
            if panel is None or not rights.sees(panel.id):
                return Outcome([_say("stale")])
            answers = await outcomes.feedback_for_panel(tx, panel.id)
        return _summed_up(panel, answers)


def _summed_up(panel: Panel, answers: list[Feedback]) -> Outcome:
    result = tally(answers)
    return Outcome(
        [
            _say("feedback_summary", panel=views.panel_view(panel), **result),
            Reply(
                render("scheduler/feedback_csv", panel=views.panel_view(panel)),
                document=Document(f"feedback-{panel.code}.csv", feedback_csv(result)),
            ),
        ]
    )


def tally(answers: list[Feedback]) -> dict[str, Any]:
    """Counts per question that add up to the number asked: every answer, plus no answer."""
    questions = []
    for question, codes in QUESTIONS:
        counted = Counter(item.answers.get(question) for item in answers)
        questions.append(
            {
                "key": question,
                "counts": [(label(f"feedback.{question}.{code}"), counted[code]) for code in codes],
                "unanswered": sum(n for code, n in counted.items() if code not in codes),
            }
        )
    future = Counter(item.future_panels for item in answers)
    return {
        "asked": len(answers),
        "answered": sum(1 for item in answers if item.started),
        "questions": questions,
        "future_yes": future["yes"],
        "future_no": future["no"],
        "comments": [item.comment for item in answers if item.comment],
    }


def feedback_csv(result: dict[str, Any]) -> bytes:
    lines: list[list[object]] = [[label("csv.question"), label("csv.answer"), label("csv.count")]]
    for item in result["questions"]:
        heading = label(f"feedback.heading.{item['key']}")
        for answer, count in item["counts"]:
            lines.append([heading, answer, count])
        lines.append([heading, label("csv.no_answer"), item["unanswered"]])
    future = label("feedback.heading.future_panels")
    lines.append([future, label("answer.yes"), result["future_yes"]])
    lines.append([future, label("answer.no"), result["future_no"]])
    for comment in result["comments"]:
        lines.append([label("csv.comment"), comment, ""])
    return to_csv(lines[0], lines[1:])
