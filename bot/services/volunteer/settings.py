"""/settings: a person pauses or restarts their reminders, and says whether to hear about
future panels. Pausing stops reminders only: news of a session that moves or is cancelled
(which is urgent when it is within a day) still comes."""

from __future__ import annotations

from bot.callbacks import Setting
from bot.context import AppContext, Person
from bot.model import Volunteer
from bot.replies import Button, Keyboard, Outcome, Reply, rows
from bot.store import volunteers
from messages import label, render


def _buttons(volunteer: Volunteer) -> Keyboard:
    reminders = (
        Setting("reminders", "yes") if volunteer.reminders_paused else Setting("reminders", "no")
    )
    future = Setting("future", "no") if volunteer.future_panels else Setting("future", "yes")
    return rows(
        Button(label(f"settings.reminders_{reminders.on}"), reminders.pack()),
        Button(label(f"settings.future_{future.on}"), future.pack()),
    )


def _page(volunteer: Volunteer, *, changed: str | None = None) -> Reply:
    text = render(
        "volunteer/settings",
        changed=changed,
        reminders_paused=volunteer.reminders_paused,
        future_panels=volunteer.future_panels,
    )
    return Reply(text, _buttons(volunteer))


async def show(app: AppContext, person: Person) -> Outcome:
    async with app.db.transaction() as tx:
        volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
    if volunteer is None:
        return Outcome([Reply(render("volunteer/settings_nothing"))])
    return Outcome([_page(volunteer)])


async def press(app: AppContext, person: Person, pressed: Setting) -> Outcome:
    async with app.db.transaction() as tx:
        volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
        if volunteer is None:
            return Outcome([Reply(render("volunteer/settings_nothing"))])
        on = pressed.on == "yes"
        if pressed.what == "reminders":
            await volunteers.update(tx, volunteer.id, reminders_paused=int(not on))
            changed = "reminders_on" if on else "reminders_paused"
        else:
            await volunteers.update(tx, volunteer.id, future_panels=int(on))
            changed = "future_yes" if on else "future_no"
        saved = await volunteers.by_telegram_id(tx, person.telegram_id)
    assert saved is not None
    return Outcome([_page(saved, changed=changed)])
