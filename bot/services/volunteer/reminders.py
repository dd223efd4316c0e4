"""Answers to reminders ("I'll be there", "I can't make it") and to places offered to reserves.

Buttons: callbacks.ReminderAnswer and callbacks.OfferAnswer. A press counts only from the
person it belongs to, while they are
still confirmed (or still a reserve, for an offer), for a session that has not started and
has not changed since the message was sent.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from bot import views
from bot.callbacks import OfferAnswer, ReminderAnswer, ReminderDetails
from bot.context import AppContext, Person
from bot.model import Application, Panel, Session, Volunteer
from bot.replies import Button, Keyboard, Notice, Outcome, Reply, rows, settled
from bot.rules import panels as rules
from bot.rules.offers import next_reserve
from bot.services.volunteer.notify import coordinator_chat_ids
from bot.store import applications, offers, panels, volunteers
from bot.store.tx import Tx
from messages import label, render

log = logging.getLogger(__name__)


def _say(template: str, **context: Any) -> Reply:
    return Reply(render(f"scheduler/{template}", **context))


def _more(application_id: int, session: Session) -> Keyboard:
    if not session.has_more_details:
        return ()
    data = ReminderDetails(application_id, session.id, session.version).pack()
    return rows(Button(label("reminder.more"), data))


class ReminderReplyService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    async def button(self, person: Person, pressed: ReminderAnswer | OfferAnswer) -> Outcome:
        async with self.app.db.transaction() as tx:
            if isinstance(pressed, OfferAnswer):
                return await self._offer_answer(
                    tx, person, pressed.offer_id, take=pressed.answer == "take"
                )
            return await self._reminder_answer(tx, person, pressed)

    async def _reminder_answer(self, tx: Tx, person: Person, pressed: ReminderAnswer) -> Outcome:
        action, application_id = pressed.answer, pressed.application_id
        session_id, version = pressed.session_id, pressed.version
        found = await self._load(tx, person, application_id, session_id)
        if found is None:
            return Outcome([_say("stale")])
        volunteer, _, panel, session = found
        now = self.app.clock.now()
        view = views.session_view(session, panel.timezone)
        if session.cancelled or session.starts_at <= now:
            return Outcome([_say("stale")])
        if session.version != version:
            return Outcome([_say("reminder_changed", session=view)])
        # Answered: the reminder keeps only its "More details" button.
        answered = settled("", _more(application_id, session))
        if action == "yes":
            await offers.set_reply(tx, application_id, session_id, version, "coming", now)
            return Outcome([answered, _say("reminder_coming", session=view)])
        if action == "no":
            cant, can = replace(pressed, answer="nox"), replace(pressed, answer="yes")
            return Outcome(
                [
                    answered,
                    Reply(
                        render("scheduler/reminder_cant_check", session=view),
                        rows(
                            Button(label("reminder.cant_yes"), cant.pack()),
                            Button(label("reminder.cant_no"), can.pack()),
                        ),
                    ),
                ]
            )
        replies = await offers.replies_for_panel(tx, panel.id)
        already = replies.get((application_id, session_id)) == (version, "not_coming")
        outcome = Outcome(
            [settled(), _say("reminder_not_coming", session=view, name=volunteer.name)]
        )
        if already:
            return outcome
        await offers.set_reply(tx, application_id, session_id, version, "not_coming", now)
        log.info("application %s can't come to session %s", application_id, session_id)
        outcome.notices.extend(
            await self._tell_coordinators(
                tx,
                "coordinator_cant_come",
                panel=views.panel_view(panel),
                session=view,
                name=volunteer.name,
            )
        )
        outcome.notices.extend(await self._offer_next(tx, panel, session))
        return outcome

    async def _load(
        self, tx: Tx, person: Person, application_id: int, session_id: int
    ) -> tuple[Volunteer, Application, Panel, Session] | None:
        volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
        application = await applications.get(tx, application_id)
        if (
            volunteer is None
            or application is None
            or application.volunteer_id != volunteer.id
            or application.status != "confirmed"
        ):
            return None
        panel = await panels.get(tx, application.panel_id, self.app.settings.timezone)
        assert panel is not None
        session = next((s for s in await panels.sessions(tx, panel.id) if s.id == session_id), None)
        if session is None:
            return None
        return volunteer, application, panel, session

    async def _tell_coordinators(self, tx: Tx, template: str, **context: Any) -> list[Notice]:
        """`context["panel"]` is the panel's view: only its coordinators are told."""
        text = render(f"scheduler/{template}", **context)
        panel = await panels.get_by_code(tx, context["panel"]["code"], self.app.settings.timezone)
        return [
            Notice(chat_id, Reply(text))
            for chat_id in await coordinator_chat_ids(
                tx, self.app.settings, None if panel is None else panel.id
            )
        ]

    async def _offer_next(self, tx: Tx, panel: Panel, session: Session) -> list[Notice]:
        """Offer the place to the first reserve not yet asked about this session.

        The offer itself is sent by the scheduler (never in quiet hours), which passes it on
        when it is not answered in time; the coordinators hear now who it went to, or that
        nobody is left.
        """
        asked = {offer.application_id for offer in await offers.offers_for_session(tx, session.id)}
        chosen = next_reserve(await applications.for_panel(tx, panel.id), asked, session.id)
        view = views.session_view(session, panel.timezone)
        if chosen is None:
            return await self._tell_coordinators(
                tx, "coordinator_no_reserve", panel=views.panel_view(panel), session=view
            )
        await offers.add_offer(tx, session.id, chosen.id, self.app.clock.now())
        reserve = await volunteers.get(tx, chosen.volunteer_id)
        return await self._tell_coordinators(
            tx,
            "coordinator_offer_made",
            panel=views.panel_view(panel),
            session=view,
            name=reserve.name if reserve else None,
        )

    async def _offer_answer(self, tx: Tx, person: Person, offer_id: int, *, take: bool) -> Outcome:
        offer = await offers.get_offer(tx, offer_id)
        volunteer = await volunteers.by_telegram_id(tx, person.telegram_id)
        application = None if offer is None else await applications.get(tx, offer.application_id)
        if (
            offer is None
            or volunteer is None
            or application is None
            or application.volunteer_id != volunteer.id
        ):
            return Outcome([_say("stale")])
        panel = await panels.get(tx, application.panel_id, self.app.settings.timezone)
        assert panel is not None
        session = next(s for s in await panels.sessions(tx, panel.id) if s.id == offer.session_id)
        view = views.session_view(session, panel.timezone)
        now = self.app.clock.now()
        if (
            offer.status != "offered"
            or application.status != "reserve"
            or session.cancelled
            or session.starts_at <= now
        ):
            return Outcome([_say("offer_gone", session=view)])
        context = {"panel": views.panel_view(panel), "session": view, "name": volunteer.name}
        if not take:
            await offers.answer_offer(tx, offer.id, "declined", now)
            notices = await self._tell_coordinators(tx, "coordinator_offer_passed", **context)
            notices.extend(await self._offer_next(tx, panel, session))
            return Outcome([_say("offer_passed", **context)], notices)
        if not rules.can_move(application.status, "confirmed"):
            return Outcome([_say("offer_gone", session=view)])
        await applications.update(tx, application.id, now, status="confirmed")
        await offers.answer_offer(tx, offer.id, "accepted", now)
        log.info("reserve application %s took a place", application.id)
        return Outcome(
            [_say("offer_taken", **context)],
            await self._tell_coordinators(tx, "coordinator_offer_taken", **context),
        )
