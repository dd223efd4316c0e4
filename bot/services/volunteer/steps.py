"""The steps of the volunteer's chat flows: what each asks, and what each does with the answer.

Each step has a prompt and handles a button value or typed text. It answers with one of:
`Next` (saved; move on), `Again` (say something, then ask again) or `Edit` (redraw the
message the button was on, as when ticking a checklist).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot import text as text_rules
from bot import views
from bot.callbacks import StepButton, StepName
from bot.context import AppContext, Person
from bot.model import Application, Journey, Panel, Session, Volunteer
from bot.needs import NEED_CODES
from bot.replies import Button, Keyboard, Reply, rows
from bot.store import applications, volunteers
from bot.store.tx import Tx
from messages import label, render

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class StepCtx:
    """Everything one step may look at, loaded inside the update's transaction."""

    app: AppContext
    tx: Tx
    person: Person
    journey: Journey
    volunteer: Volunteer
    panel: Panel | None
    application: Application | None
    sessions: list[Session]
    now: datetime

    @property
    def live_sessions(self) -> list[Session]:
        return [session for session in self.sessions if not session.cancelled]

    def need_panel(self) -> Panel:
        assert self.panel is not None, f"step {self.journey.step} needs a panel"
        return self.panel

    def need_application(self) -> Application:
        assert self.application is not None, f"step {self.journey.step} needs an application"
        return self.application


@dataclass(frozen=True)
class Next:
    before: list[Reply] = field(default_factory=list)


@dataclass(frozen=True)
class Again:
    before: list[Reply] = field(default_factory=list)


@dataclass(frozen=True)
class Edit:
    reply: Reply


StepResult = Next | Again | Edit


def button(step: StepName, value: str, label_key: str, **fmt: Any) -> Button:
    return Button(label(label_key, **fmt), StepButton(step, value).pack())


def say(template: str, **context: Any) -> Reply:
    return Reply(render(template, **context))


# --- name, role, contact -------------------------------------------------------------------


async def prompt_name(c: StepCtx) -> Reply:
    return Reply(render("volunteer/ask_name", current=c.volunteer.name))


async def text_name(c: StepCtx, typed: str) -> StepResult:
    name = text_rules.one_line(typed)
    if not name:
        return Again([say("volunteer/name_empty")])
    if len(name) > text_rules.NAME_MAX:
        return Again([say("volunteer/too_long", limit=text_rules.NAME_MAX, what="name")])
    await volunteers.update(c.tx, c.volunteer.id, name=name)
    return Next()


async def prompt_role(c: StepCtx) -> Reply:
    return Reply(
        render("volunteer/ask_role", name=c.volunteer.name or ""),
        rows(
            button("role", "service_user", "role.service_user"),
            button("role", "carer", "role.carer"),
            button("role", "both", "role.both"),
        ),
    )


async def button_role(c: StepCtx, value: str) -> StepResult:
    if value not in ("service_user", "carer", "both"):
        return Again([say("volunteer/stale_button")])
    await volunteers.update(c.tx, c.volunteer.id, role=value)
    return Next()


async def prompt_contact(c: StepCtx) -> Reply:
    buttons = [button("contact", "skip", "contact.skip")]
    if c.volunteer.contact:
        buttons.insert(0, button("contact", "keep", "contact.keep"))
    return Reply(render("volunteer/ask_contact", current=c.volunteer.contact), rows(*buttons))


async def button_contact(c: StepCtx, value: str) -> StepResult:
    if value == "skip":
        await volunteers.update(c.tx, c.volunteer.id, contact=None)
    return Next()


async def text_contact(c: StepCtx, typed: str) -> StepResult:
    contact = text_rules.one_line(typed)
    if len(contact) > text_rules.CONTACT_MAX:
        return Again([say("volunteer/too_long", limit=text_rules.CONTACT_MAX, what="contact")])
    await volunteers.update(c.tx, c.volunteer.id, contact=contact or None)
    return Next()


# --- support needs (health data: separate consent) ----------------------------------------


async def prompt_needs_consent(c: StepCtx) -> Reply:
    if c.volunteer.needs_consented_at is not None:
        return Reply(
            render(
                "volunteer/needs_review",
                needs=views.need_labels(c.volunteer.needs),
                note=c.volunteer.needs_note,
            ),
            rows(
                button("needs_consent", "keep", "needs.keep"),
                button("needs_consent", "change", "needs.change"),
                button("needs_consent", "forget", "needs.forget"),
            ),
        )
    return Reply(
        render("volunteer/needs_consent"),
        rows(
            button("needs_consent", "yes", "needs.consent_yes"),
            button("needs_consent", "no", "needs.consent_no"),
        ),
    )


async def button_needs_consent(c: StepCtx, value: str) -> StepResult:
    if value == "keep" and c.volunteer.needs_consented_at is not None:
        c.journey.data["skip_part"] = "needs"
        return Next()
    if value in ("yes", "change"):
        await volunteers.set_needs_consent(c.tx, c.volunteer.id, c.now)
        c.journey.data.pop("ticked.needs", None)  # the checklist opens with what is saved
        return Next()
    if value in ("no", "forget"):
        had_needs = c.volunteer.needs_consented_at is not None
        await volunteers.set_needs_consent(c.tx, c.volunteer.id, None)
        c.journey.data["skip_part"] = "needs"
        return Next([say("volunteer/needs_forgotten")] if had_needs else [])
    return Again([say("volunteer/stale_button")])


def _checklist(step: StepName, options: list[tuple[str, str]], ticked: set[str]) -> Keyboard:
    """Toggle buttons, two to a row, then Done on its own row."""
    buttons = [
        Button(("✅ " if value in ticked else "▫️ ") + text, StepButton(step, f"t.{value}").pack())
        for value, text in options
    ]
    paired = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    return (*paired, (button(step, "done", "checklist.done"),))


def _ticked(c: StepCtx, saved: Iterable[str]) -> set[str]:
    """What the checklist shows ticked: what is saved, until the person changes it. Done
    saves exactly what was shown, so a change never loses an earlier answer."""
    key = f"ticked.{c.journey.step}"
    if key not in c.journey.data:
        c.journey.data[key] = sorted(saved)
    return set(c.journey.data[key])


def _toggle(c: StepCtx, value: str, allowed: set[str], saved: Iterable[str]) -> bool:
    if value not in allowed:
        return False
    ticked = _ticked(c, saved) ^ {value}
    c.journey.data[f"ticked.{c.journey.step}"] = sorted(ticked)
    return True


def _done_ticking(c: StepCtx, saved: Iterable[str]) -> set[str]:
    ticked = _ticked(c, saved)
    c.journey.data.pop(f"ticked.{c.journey.step}", None)
    return ticked


def _need_options() -> list[tuple[str, str]]:
    return [(code, label(f"need.{code}")) for code in NEED_CODES]


async def prompt_needs(c: StepCtx) -> Reply:
    ticked = _ticked(c, c.volunteer.needs)
    return Reply(render("volunteer/ask_needs"), _checklist("needs", _need_options(), ticked))


async def button_needs(c: StepCtx, value: str) -> StepResult:
    if value == "done":
        chosen = _done_ticking(c, c.volunteer.needs)
        await volunteers.set_needs(c.tx, c.volunteer.id, sorted(chosen))
        return Next()
    if value.startswith("t.") and _toggle(c, value[2:], set(NEED_CODES), c.volunteer.needs):
        return Edit(await prompt_needs(c))
    return Again([say("volunteer/stale_button")])


async def prompt_needs_note(c: StepCtx) -> Reply:
    buttons = [button("needs_note", "skip", "needs.note_skip")]
    if c.volunteer.needs_note:
        buttons.insert(0, button("needs_note", "keep", "needs.note_keep"))
    return Reply(render("volunteer/ask_needs_note", current=c.volunteer.needs_note), rows(*buttons))


async def button_needs_note(c: StepCtx, value: str) -> StepResult:
    if value == "skip":
        await volunteers.update(c.tx, c.volunteer.id, needs_note=None)
    return Next()


async def text_needs_note(c: StepCtx, typed: str) -> StepResult:
    note = text_rules.clean(typed)
    if len(note) > text_rules.NOTE_MAX:
        return Again([say("volunteer/too_long", limit=text_rules.NOTE_MAX, what="note")])
    await volunteers.update(c.tx, c.volunteer.id, needs_note=note or None)
    return Next()


# --- availability -------------------------------------------------------------------------


def _current_session(c: StepCtx) -> Session | None:
    index = int(c.journey.data.get("session_index", 0))
    live = c.live_sessions
    return live[index] if index < len(live) else None


async def prompt_availability(c: StepCtx) -> Reply:
    session = _current_session(c)
    assert session is not None
    live = c.live_sessions
    step_value = f"{session.id}"
    saved = c.need_application().availability
    # One message for every session: each answer shows above the next question.
    answered = [
        {"title": s.title, "answer": label(f"answer.{saved[s.id]}")}
        for s in live[: live.index(session)]
        if s.id in saved
    ]
    return Reply(
        render(
            "volunteer/ask_availability",
            answered=answered,
            session=views.session_view(session, c.need_panel().timezone),
            number=live.index(session) + 1,
            total=len(live),
            current=c.need_application().availability.get(session.id),
        ),
        (
            tuple(
                button("availability", f"{step_value}.{answer}", f"answer.{answer}")
                for answer in ("yes", "maybe", "no")
            ),
        ),
    )


async def button_availability(c: StepCtx, value: str) -> StepResult:
    session = _current_session(c)
    session_id, _, answer = value.partition(".")
    if session is None or session_id != str(session.id) or answer not in ("yes", "maybe", "no"):
        return Again([say("volunteer/stale_button")])
    await applications.set_availability(c.tx, c.need_application().id, {session.id: answer})
    index = int(c.journey.data.get("session_index", 0)) + 1
    if index < len(c.live_sessions):
        c.journey.data["session_index"] = index
        c.application = await applications.find(c.tx, session.panel_id, c.volunteer.id)
        return Edit(await prompt_availability(c))
    c.journey.data.pop("session_index", None)
    return Next()


async def prompt_days(c: StepCtx) -> Reply:
    ticked = _ticked(c, c.need_application().days)
    window = next((s for s in c.live_sessions if s.kind == "evaluation_window"), None)
    options = [(day, label(f"day.{day}")) for day in WEEKDAYS]
    return Reply(
        render(
            "volunteer/ask_days",
            window=None if window is None else views.session_view(window, c.need_panel().timezone),
        ),
        _checklist("days", options, ticked),
    )


async def button_days(c: StepCtx, value: str) -> StepResult:
    if value == "done":
        ticked = _done_ticking(c, c.need_application().days)
        days = [day for day in WEEKDAYS if day in ticked]
        await applications.update(c.tx, c.need_application().id, c.now, days=",".join(days))
        return Next()
    if value.startswith("t.") and _toggle(c, value[2:], set(WEEKDAYS), c.need_application().days):
        return Edit(await prompt_days(c))
    return Again([say("volunteer/stale_button")])


# --- conflicts of interest ----------------------------------------------------------------


def _bidders(c: StepCtx) -> list[str]:
    return list(c.need_panel().spec.bidders)


def _saved_conflicts(c: StepCtx) -> set[str]:
    chosen = set(c.need_application().conflicts)
    return {str(i) for i, name in enumerate(_bidders(c)) if name in chosen}


async def prompt_conflicts(c: StepCtx) -> Reply:
    application = c.need_application()
    ticked = _ticked(c, _saved_conflicts(c))
    bidders = _bidders(c)
    options = [(str(i), name) for i, name in enumerate(bidders)]
    keyboard = _checklist("conflicts", options, ticked)
    none_row = (button("conflicts", "none", "conflicts.none"),)
    return Reply(
        render(
            "volunteer/ask_conflicts",
            has_bidders=bool(bidders),
            note=c.journey.data.get("note", application.conflicts_note),
        ),
        (*keyboard[:-1], none_row, keyboard[-1]),
    )


async def button_conflicts(c: StepCtx, value: str) -> StepResult:
    bidders = _bidders(c)
    if value in ("done", "none"):
        ticked = _done_ticking(c, _saved_conflicts(c))
        chosen = [] if value == "none" else [bidders[int(i)] for i in sorted(ticked, key=int)]
        # The typed note is kept unless the person says none of these applies.
        note = (
            None if value == "none"
            else c.journey.data.get("note", c.need_application().conflicts_note)
        )  # fmt: skip
        await applications.set_conflicts(c.tx, c.need_application().id, chosen)
        await applications.update(
            c.tx, c.need_application().id, c.now, conflicts_declared=1, conflicts_note=note
        )
        c.journey.data.pop("note", None)
        return Next()
    allowed = {str(i) for i in range(len(bidders))}
    if value.startswith("t.") and _toggle(c, value[2:], allowed, _saved_conflicts(c)):
        return Edit(await prompt_conflicts(c))
    return Again([say("volunteer/stale_button")])


async def text_conflicts(c: StepCtx, typed: str) -> StepResult:
    note = text_rules.clean(typed)
    if len(note) > text_rules.NOTE_MAX:
        return Again([say("volunteer/too_long", limit=text_rules.NOTE_MAX, what="note")])
    earlier = c.journey.data.get("note", c.need_application().conflicts_note)
    combined = f"{earlier}\n{note}" if earlier else note
    if len(combined) > text_rules.NOTE_MAX:
        return Again([say("volunteer/conflict_note_full")])
    c.journey.data["note"] = combined
    return Again([say("volunteer/conflict_noted")])


# --- interviews and payment ---------------------------------------------------------------


async def prompt_interviews(c: StepCtx) -> Reply:
    interviews = [
        views.session_view(s, c.need_panel().timezone)
        for s in c.live_sessions
        if s.kind == "interview"
    ]
    return Reply(
        render("volunteer/ask_interviews", interviews=interviews),
        rows(
            button("interviews", "yes", "interviews.yes"),
            button("interviews", "no", "interviews.no"),
        ),
    )


async def button_interviews(c: StepCtx, value: str) -> StepResult:
    if value not in ("yes", "no"):
        return Again([say("volunteer/stale_button")])
    await applications.update(c.tx, c.need_application().id, c.now, interviews=int(value == "yes"))
    return Next()


async def prompt_payment(c: StepCtx) -> Reply:
    return Reply(
        render("volunteer/ask_payment", payment=c.need_panel().spec.payment),
        rows(
            button("payment", "paid", "payment.paid"),
            button("payment", "unpaid", "payment.unpaid"),
            button("payment", "undecided", "payment.undecided"),
        ),
    )


async def button_payment(c: StepCtx, value: str) -> StepResult:
    if value not in ("paid", "unpaid", "undecided"):
        return Again([say("volunteer/stale_button")])
    await applications.update(c.tx, c.need_application().id, c.now, payment=value)
    return Next()


# --- the registry ---------------------------------------------------------------------------

Prompt = Callable[[StepCtx], Awaitable[Reply]]
OnButton = Callable[[StepCtx, str], Awaitable[StepResult]]
OnText = Callable[[StepCtx, str], Awaitable[StepResult]]


@dataclass(frozen=True)
class Step:
    name: str
    part: str
    prompt: Prompt
    on_button: OnButton | None = None
    on_text: OnText | None = None
    applies: Callable[[StepCtx], bool] = lambda c: True


def _has_kind(kind: str) -> Callable[[StepCtx], bool]:
    return lambda c: any(session.kind == kind for session in c.live_sessions)


def _needs_consented(c: StepCtx) -> bool:
    return c.journey.data.get("skip_part") != "needs" and (
        c.volunteer.needs_consented_at is not None
    )


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step("name", "name", prompt_name, on_text=text_name),
        Step("role", "role", prompt_role, button_role),
        Step("contact", "contact", prompt_contact, button_contact, text_contact),
        Step("needs_consent", "needs", prompt_needs_consent, button_needs_consent),
        Step("needs", "needs", prompt_needs, button_needs, applies=_needs_consented),
        Step(
            "needs_note",
            "needs",
            prompt_needs_note,
            button_needs_note,
            text_needs_note,
            applies=_needs_consented,
        ),
        Step(
            "availability",
            "availability",
            prompt_availability,
            button_availability,
            applies=lambda c: bool(c.live_sessions),
        ),
        Step("days", "days", prompt_days, button_days, applies=_has_kind("evaluation_window")),
        Step("conflicts", "conflicts", prompt_conflicts, button_conflicts, text_conflicts),
        Step(
            "interviews",
            "interviews",
            prompt_interviews,
            button_interviews,
            applies=_has_kind("interview"),
        ),
        Step("payment", "payment", prompt_payment, button_payment),
    )
}
