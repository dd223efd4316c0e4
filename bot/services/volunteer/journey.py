"""Moves a person through a chat flow, one saved step at a time.

A flow is an ordered list of steps (see FLOWS). The person's place is kept in the `journeys`
table and every answer is committed before the bot replies, so a restart loses nothing.
Button data is never trusted: a press only counts if it belongs to the step the person is on.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from markupsafe import Markup

from bot import views
from bot.callbacks import StepButton
from bot.context import AppContext, Person
from bot.replies import Button, Keyboard, MessageCopy, Outcome, Reply, rows, settled
from bot.rules import panels as rules
from bot.services.volunteer import info, notify, team
from bot.services.volunteer.steps import STEPS, Edit, Next, StepCtx, StepResult, button, say
from bot.services.volunteer.typed_buttons import match_button
from bot.store import applications, journeys, panels, questions, volunteers
from bot.store.tx import Tx
from bot.text import QUESTION_MAX, clean
from messages import label, render

log = logging.getLogger(__name__)

SIGNUP = (
    "info",
    "name",
    "role",
    "contact",
    "needs_consent",
    "needs",
    "needs_note",
    "availability",
    "days",
    "conflicts",
    "interviews",
    "payment",
    "summary",
)
FLOWS: dict[str, tuple[str, ...]] = {
    "signup": SIGNUP,
    "needs": ("needs_consent", "needs", "needs_note"),
    "availability": ("availability", "days"),
    "question": ("question",),
}
# Steps that live here rather than in steps.py, because they steer the flow itself.
OWN_STEPS = frozenset({"info", "summary", "question", "leave", "pass_on"})
# Steps whose typed answer is a note in the person's own words: kept even when its words
# also call for care.
NOTE_STEPS = frozenset({"needs_note", "conflicts"})
# Steps whose message stays as it was once answered, only without its buttons: a page read,
# the summary, the question box.
KEYBOARD_ONLY_STEPS = frozenset({"info", "summary", "question"})


async def load(app: AppContext, tx: Tx, person: Person) -> StepCtx | None:
    journey = await journeys.get(tx, person.telegram_id)
    if journey is None:
        return None
    volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
    if volunteer is None:
        await journeys.delete(tx, person.telegram_id)
        return None
    panel = application = None
    sessions = []
    if journey.panel_id is not None:
        panel = await panels.get(tx, journey.panel_id, app.settings.timezone)
        application = await applications.find(tx, journey.panel_id, volunteer.id)
        sessions = await panels.sessions(tx, journey.panel_id)
    return StepCtx(
        app, tx, person, journey, volunteer, panel, application, sessions, app.clock.now()
    )


async def reload(c: StepCtx) -> StepCtx:
    """Read again what a step may just have saved (the person's details and application), so
    the next prompt shows it. The journey in hand is the newest; the panel and its sessions
    change only by a coordinator's unit of work, never inside this one, so they are kept."""
    if c.panel is None or c.journey.panel_id != c.panel.id:
        fresh = await load(c.app, c.tx, c.person)
        assert fresh is not None
        fresh.journey = c.journey
        return fresh
    volunteer = await volunteers.by_telegram_id(c.tx, c.person.telegram_id)
    assert volunteer is not None
    application = await applications.find(c.tx, c.panel.id, volunteer.id)
    return replace(c, volunteer=volunteer, application=application)


def part_of(step: str) -> str:
    return STEPS[step].part if step in STEPS else step


def applies(c: StepCtx, step: str) -> bool:
    return step in OWN_STEPS or STEPS[step].applies(c)


async def prompt(c: StepCtx) -> Reply:
    step = c.journey.step
    if step == "info":
        return info_page(c)
    if step == "summary":
        return summary(c)
    if step == "question":
        return Reply(
            render("volunteer/ask_question"), rows(button("question", "back", "question.back"))
        )
    if step == "pass_on":
        kind = c.journey.data.get("pass_on", {}).get("kind")
        return Reply(
            render("volunteer/pass_on", kind=label(f"media.{kind}") if kind else None),
            rows(button("pass_on", "yes", "pass_on.yes"), button("pass_on", "no", "pass_on.no")),
        )
    if step == "leave":
        return Reply(
            render("volunteer/leave_confirm"),
            rows(button("leave", "yes", "leave.yes"), button("leave", "no", "leave.no")),
        )
    return await STEPS[step].prompt(c)


async def begin(c: StepCtx, flow: str, step: str | None = None) -> Outcome:
    """Put the person at the start of a flow (or a given step) and ask the first question."""
    c.journey.flow = flow
    c.journey.step = step or FLOWS[flow][0]
    return await _arrive(c)


async def _arrive(c: StepCtx) -> Outcome:
    """Skip steps that do not apply, save the place, and ask."""
    order = FLOWS[c.journey.flow]
    while not applies(c, c.journey.step):
        position = order.index(c.journey.step) + 1
        if position >= len(order):
            return await _finish(c)
        c.journey.step = order[position]
    if part_of(c.journey.step) != "needs":
        c.journey.data.pop("skip_part", None)
    await journeys.save(c.tx, c.journey, c.now)
    return Outcome([await prompt(c)])


async def advance(c: StepCtx, before: list[Reply] | None = None) -> Outcome:
    order = FLOWS[c.journey.flow]
    current = c.journey.step
    c = await reload(c)
    position = order.index(current) + 1
    if c.journey.data.get("return") == "summary":
        # Changing one part from the summary: go back there once that part is done.
        following = [s for s in order[position:] if applies(c, s)]
        if not following or part_of(following[0]) != part_of(current):
            c.journey.data.pop("return")
            position = order.index("summary")
    outcome = Outcome(list(before or []))
    if position >= len(order):
        return outcome.extend(await _finish(c))
    c.journey.step = order[position]
    return outcome.extend(await _arrive(c))


async def _finish(c: StepCtx) -> Outcome:
    await journeys.delete(c.tx, c.person.telegram_id)
    outcome = Outcome([say("volunteer/saved")])
    if c.application is not None and c.application.status != "draft":
        outcome.notices.extend(await notify.details_changed(c, c.journey.flow))
    return outcome


async def apply(c: StepCtx, result: StepResult) -> Outcome:
    if isinstance(result, Next):
        return await advance(c, result.before)
    if isinstance(result, Edit):
        await journeys.save(c.tx, c.journey, c.now)
        # The same message, redrawn: a tick in a checklist never posts a fresh copy.
        return Outcome([replace(result.reply, edit=True)])
    await journeys.save(c.tx, c.journey, c.now)
    c = await reload(c)
    return Outcome([*result.before, await prompt(c)])


# --- buttons and text ----------------------------------------------------------------------


async def on_button(c: StepCtx, pressed: StepButton) -> Outcome:
    step = pressed.step
    if step != c.journey.step:
        return Outcome([say("volunteer/stale_button"), await prompt(c)])
    c.journey.data.pop("paused", None)
    asked = await prompt(c)
    asked = replace(asked, buttons=_answerable(c, asked))  # before the answer moves us on
    outcome = await _answer(c, pressed)
    if any(reply.edit for reply in outcome.replies):
        return outcome  # the pressed message was redrawn in place
    answered = _settle(step, asked, pressed)
    if answered is not None:
        outcome.replies.insert(0, answered)
    return outcome


def _settle(step: str, asked: Reply, pressed: StepButton) -> Reply | None:
    """Once a question is answered its buttons go, and the answer shows beneath it. Only a
    button of the question as it stands settles it: anything else is an old button."""
    data = pressed.pack()
    chosen = next((b for row in asked.buttons for b in row if b.data == data), None)
    if chosen is None:
        return None
    if step in KEYBOARD_ONLY_STEPS:
        return settled()
    answer = _label_text(chosen)
    if pressed.value == "done":
        ticked = [_label_text(b) for row in asked.buttons for b in row if b.label.startswith("✅")]
        answer = ", ".join(ticked) if ticked else label("checklist.none_ticked")
    return settled(render("volunteer/answered", question=Markup(asked.text), answer=answer))


def _label_text(chosen: Button) -> str:
    return chosen.label.removeprefix("✅").removeprefix("▫️").strip()


async def _answer(c: StepCtx, pressed: StepButton) -> Outcome:
    step, value = pressed.step, pressed.value
    if step == "info":
        return await _info_button(c, value)
    if step == "summary":
        return await _summary_button(c, value)
    if step == "question":
        return await _back_from_question(c)
    if step == "leave":
        return await _leave_button(c, value)
    if step == "pass_on":
        return await _pass_on_button(c, value)
    handler = STEPS[step].on_button
    if handler is None:
        return Outcome([say("volunteer/stale_button"), await prompt(c)])
    return await apply(c, await handler(c, value))


async def on_text(c: StepCtx, typed: str) -> Outcome:
    if c.journey.data.get("paused"):
        return Outcome([say("volunteer/paused")])
    step = c.journey.step
    if step == "question":
        return await _question_text(c, typed)
    handler = STEPS[step].on_text if step in STEPS else None
    asked = await prompt(c)
    matched = _match_button(_typed_choices(c, asked), typed) or _match_button(asked, typed)
    if isinstance(matched, list):
        choices = [b.label.lstrip("✅▫️ ").strip() for b in matched]
        return Outcome([say("volunteer/which_one", choices=choices), asked])
    pressed = None if matched is None else StepButton.parse(matched.data)
    if pressed is not None:
        return await on_button(c, pressed)
    if handler is not None:
        return await apply(c, await handler(c, typed))
    if step != "pass_on" and _reads_as_a_message(typed):
        return await offer_pass_on(c, {"text": typed})
    return Outcome([say("volunteer/use_buttons", team=await _team(c)), asked])


def _reads_as_a_message(typed: str) -> bool:
    """A question or a few words, rather than a mistyped answer: worth offering to the team."""
    return "?" in typed or len(typed.split()) >= 3


async def _team(c: StepCtx) -> dict[str, Any]:
    if c.panel is not None:
        return team.of_panel(c.panel).view()
    return (await team.for_person(c.app, c.tx, c.person.telegram_id)).view()


async def after_care(c: StepCtx, typed: str) -> Outcome:
    """The care reply has gone and the team has the message. A note in the person's own words
    is kept as their answer; any other step asks its question again."""
    step = c.journey.step
    if c.journey.data.get("paused"):
        return Outcome()
    if step == "question":
        return await _back_from_question(c)
    handler = STEPS[step].on_text if step in NOTE_STEPS else None
    if handler is None:
        return Outcome([await prompt(c)])
    return await apply(c, await handler(c, typed))


async def offer_pass_on(c: StepCtx, message: dict[str, Any]) -> Outcome:
    """'Shall I pass this to the team?' What to pass waits in the journey until they answer."""
    c.journey.data["pass_on"] = message
    if c.journey.step != "pass_on":
        c.journey.data["pass_back"] = c.journey.step
        c.journey.step = "pass_on"
    return await _arrive(c)


async def _pass_on_button(c: StepCtx, value: str) -> Outcome:
    message = c.journey.data.pop("pass_on", {})
    if value != "yes" or not message:
        return await _back_from_pass_on(c, [say("volunteer/not_passed_on")])
    panel_id = c.panel.id if c.panel else None
    kind = message.get("kind")
    if kind is None:
        text = clean(str(message.get("text", "")))[:QUESTION_MAX]
        question_id = await questions.add(c.tx, panel_id, c.volunteer.id, text, c.now)
        notices = await notify.question_asked(c, question_id, text)
    else:
        what = label(f"media.{kind}")
        question_id = await questions.add(
            c.tx, panel_id, c.volunteer.id, f"({what}, passed on as it was sent)", c.now
        )
        notices = await notify.to_coordinators(
            c.tx, c.app.settings, "coordinator/media", question_id, panel_id=panel_id, kind=what,
            name=c.volunteer.name, panel=views.panel_view(c.panel) if c.panel else None,
            copy=MessageCopy(
                c.person.chat_id, int(message["message_id"]),
                if_refused=say("volunteer/not_copied", kind=what, team=await _team(c)),
            ),
        )  # fmt: skip
    outcome = await _back_from_pass_on(c, [say("volunteer/passed_on")])
    outcome.notices.extend(notices)
    return outcome


async def _back_from_pass_on(c: StepCtx, before: list[Reply]) -> Outcome:
    if c.journey.flow == "question" and "pass_back" not in c.journey.data:
        await journeys.delete(c.tx, c.person.telegram_id)
        return Outcome(before)
    c.journey.step = c.journey.data.pop("pass_back", FLOWS[c.journey.flow][0])
    return Outcome(before).extend(await _arrive(c))


def _match_button(reply: Reply, typed: str) -> Button | list[Button] | None:
    """Typing a button's words (or its number) works as well as pressing it.

    An exact match wins, then a label that starts with the words, then one label that
    contains them; then the usual ways of saying yes and no, for the one Yes or No button.
    Words close to two or more buttons give those buttons, so we ask which: never a guess.
    """
    return match_button(reply.buttons, typed)


# --- the information pages, questions and leaving -----------------------------------------


def info_page(c: StepCtx) -> Reply:
    page = min(int(c.journey.data.get("page", 0)), len(info.PAGES) - 1)
    is_last = page == len(info.PAGES) - 1
    forward = button("info", f"next.{page}", "info.start_signup" if is_last else "info.next")
    return Reply(
        info.page(c.need_panel(), c.live_sessions, page),
        rows(forward, button("info", "ask", "info.ask"), button("info", "leave", "info.leave")),
    )


async def _info_button(c: StepCtx, value: str) -> Outcome:
    page = int(c.journey.data.get("page", 0))
    if value == f"next.{page}":
        if page + 1 < len(info.PAGES):
            c.journey.data["page"] = page + 1
            return await _arrive(c)
        c.journey.data.pop("page", None)
        return await advance(c)
    if value == "ask":
        c.journey.data["question_back"] = c.journey.step
        c.journey.step = "question"
        return await _arrive(c)
    if value == "leave":
        c.journey.data["leave_back"] = c.journey.step
        c.journey.step = "leave"
        return await _arrive(c)
    return Outcome([say("volunteer/stale_button"), await prompt(c)])


async def start_question(c: StepCtx) -> Outcome:
    if c.journey.step != "question":
        c.journey.data["question_back"] = c.journey.step
        c.journey.step = "question"
    return await _arrive(c)


async def _question_text(c: StepCtx, typed: str) -> Outcome:
    question = clean(typed)
    if not question:
        return Outcome([await prompt(c)])
    if len(question) > QUESTION_MAX:
        return Outcome([say("volunteer/too_long", limit=QUESTION_MAX, what="question")])
    panel_id = c.panel.id if c.panel else None
    question_id = await questions.add(c.tx, panel_id, c.volunteer.id, question, c.now)
    notices = await notify.question_asked(c, question_id, question)
    outcome = await _back_from_question(c, [say("volunteer/question_sent")])
    outcome.notices.extend(notices)
    return outcome


async def _back_from_question(c: StepCtx, before: list[Reply] | None = None) -> Outcome:
    if c.journey.flow == "question":
        await journeys.delete(c.tx, c.person.telegram_id)
        return Outcome(list(before or []))
    c.journey.step = c.journey.data.pop("question_back", FLOWS[c.journey.flow][0])
    outcome = Outcome(list(before or []))
    return outcome.extend(await _arrive(c))


async def _leave_button(c: StepCtx, value: str) -> Outcome:
    if value == "no":
        c.journey.step = c.journey.data.pop("leave_back", FLOWS[c.journey.flow][0])
        return await _arrive(c)
    if value != "yes":
        return Outcome([say("volunteer/stale_button"), await prompt(c)])
    return Outcome([say("volunteer/left")]).extend(await leave_without_trace(c))


async def leave_without_trace(c: StepCtx) -> Outcome:
    """'Not for me' before sending: keep nothing from this sign-up."""
    await journeys.delete(c.tx, c.person.telegram_id)
    if c.application is not None and c.application.status == "draft":
        await applications.delete(c.tx, c.application.id)
    remaining = await applications.for_volunteer(c.tx, c.volunteer.id)
    if not remaining:
        await volunteers.erase(c.tx, c.volunteer.id, c.now, "left before sending")
    return Outcome()


# --- the summary --------------------------------------------------------------------------


def summary(c: StepCtx) -> Reply:
    """Short enough for a phone screen, with two buttons: the parts to change wait behind
    "Change something"."""
    return Reply(
        render("volunteer/summary", **summary_context(c)),
        rows(button("summary", "send", "summary.send"), button("summary", "menu", "summary.menu")),
    )


def change_menu(c: StepCtx) -> Keyboard:
    parts = [part for part in views.SUMMARY_PARTS if _part_applies(c, part)]
    buttons = [button("summary", f"change.{part}", f"summary.change_{part}") for part in parts]
    return rows(*buttons, button("summary", "back", "summary.back"))


def _typed_choices(c: StepCtx, asked: Reply) -> Reply:
    """At the summary, typed words name a part to change at once (or Send)."""
    if c.journey.step == "summary":
        return replace(asked, buttons=(asked.buttons[0], *change_menu(c)[:-1]))
    return asked


def _answerable(c: StepCtx, asked: Reply) -> Keyboard:
    """Every button the question may have on screen now: the summary's change menu too."""
    if c.journey.step == "summary":
        return (*asked.buttons, *change_menu(c))
    return asked.buttons


def _part_applies(c: StepCtx, part: str) -> bool:
    first = next(step for step in SIGNUP if part_of(step) == part)
    return applies(c, first)


async def _summary_button(c: StepCtx, value: str) -> Outcome:
    if value == "send":
        return await _send_application(c)
    if value in ("menu", "back"):
        shown = summary(c)
        keys = change_menu(c) if value == "menu" else shown.buttons
        return Outcome([Reply(shown.text, keys, edit=True)])
    part = value.removeprefix("change.")
    if value.startswith("change.") and part in views.SUMMARY_PARTS and _part_applies(c, part):
        c.journey.data["return"] = "summary"
        first = next(step for step in SIGNUP if part_of(step) == part)
        return await begin(c, "signup", first)
    return Outcome([say("volunteer/stale_button"), await prompt(c)])


async def _send_application(c: StepCtx) -> Outcome:
    application = c.need_application()
    panel = c.need_panel()
    # After sign-up closed, a coordinator may still take people as reserves.
    late = rules.takes_late_reserves(panel, c.now)
    await applications.update(
        c.tx, application.id, c.now, status="reserve" if late else "applied", submitted_at=c.now
    )
    await journeys.delete(c.tx, c.person.telegram_id)
    log.info("application %s sent for panel %s", application.id, panel.code)
    sent = render(
        "volunteer/sent",
        panel=views.panel_view(panel),
        # The closing date only while it is still to come.
        signup="reserve" if late else "open" if rules.is_open(panel, c.now) else "closed",
    )
    return Outcome([Reply(sent)], await notify.application_sent(c))


def stale() -> Outcome:
    return Outcome([say("volunteer/stale_button_no_journey")])


async def resume(c: StepCtx) -> Outcome:
    c.journey.data.pop("paused", None)
    outcome = Outcome(
        [say("volunteer/welcome_back", panel=views.panel_view(c.panel) if c.panel else None)]
    )
    return outcome.extend(await _arrive(c))


def summary_context(c: StepCtx) -> dict[str, Any]:
    panel = c.need_panel()
    application = c.need_application()
    volunteer = c.volunteer
    availability = [
        {
            "session": views.session_view(s, panel.timezone),
            "answer": label(f"answer.{application.availability[s.id]}")
            if s.id in application.availability
            else None,
        }
        for s in c.live_sessions
    ]
    yes = label("answer.yes")
    return {
        "panel": views.panel_view(panel),
        "availability_yes": sum(1 for item in availability if item["answer"] == yes),
        "availability_yes_label": yes,
        "name": volunteer.name,
        "role": label(f"role_is.{volunteer.role}") if volunteer.role else None,
        "contact": volunteer.contact,
        "needs_consented": volunteer.needs_consented_at is not None,
        "needs": views.need_labels(volunteer.needs),
        "needs_note": volunteer.needs_note,
        "availability": availability,
        "has_window": any(s.kind == "evaluation_window" for s in c.live_sessions),
        "days": views.day_labels(application.days),
        "conflicts": list(application.conflicts),
        "conflicts_note": application.conflicts_note,
        "has_interviews": any(s.kind == "interview" for s in c.live_sessions),
        "interviews": application.interviews,
        "payment": label(f"payment.{application.payment}") if application.payment else None,
    }
