""" "More details" on a reminder: the same message, redrawn with the rest of what to know.

A press counts only from the person the reminder is for, while they still have a place,
for the session as it stands; anything else is an old button.
"""

from __future__ import annotations

from bot.callbacks import ReminderDetails
from bot.context import AppContext, Person
from bot.replies import Outcome, Reply
from bot.store import applications, need_states, offers, panels, volunteers
from scheduler import compose


async def reminder_details(
    app: AppContext, person: Person, pressed: ReminderDetails
) -> Outcome | None:
    async with app.db.transaction() as tx:
        volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
        application = await applications.get(tx, pressed.application_id)
        if (
            volunteer is None
            or application is None
            or application.volunteer_id != volunteer.id
            or application.status != "confirmed"
        ):
            return None
        panel = await panels.get(tx, application.panel_id, app.settings.timezone)
        assert panel is not None
        sessions = await panels.sessions(tx, panel.id)
        session = next((s for s in sessions if s.id == pressed.session_id), None)
        now = app.clock.now()
        if (
            session is None
            or session.cancelled
            or session.starts_at <= now
            or session.version != pressed.version
        ):
            return None
        replies = await offers.replies_for_panel(tx, panel.id)
        marks = await need_states.for_applications(tx, [application.id])
    answered = replies.get((application.id, session.id))
    full = compose.reminder(
        panel, session, application, volunteer, now, late=False,
        marks=marks.get(application.id, {}), coming=answered == (session.version, "coming"),
        details=True,
    )  # fmt: skip
    if answered == (session.version, "not_coming"):
        full = Reply(full.text)  # they can't come: nothing left to press
    return Outcome([Reply(full.text, full.buttons, edit=True)])
