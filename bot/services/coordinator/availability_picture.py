"""/availability as a picture: people by sessions, drawn by bot/grid_picture.py."""

from __future__ import annotations

from bot import views
from bot.grid_picture import ANSWERS, Answer, Column, draw_grid
from bot.model import Panel, Session
from bot.replies import Document, Reply
from bot.services.coordinator.roster import Entry
from messages import label, render


def _answer(entry: Entry, session: Session) -> Answer:
    answer = entry.application.availability.get(session.id, "none")
    return answer if answer in ANSWERS else "none"


def picture(panel: Panel, people: list[Entry], sessions: list[Session]) -> Reply:
    columns = [
        Column(
            label("grid.session", number=n),
            f"{s.starts_at.astimezone(panel.timezone):%-d %b}",
        )
        for n, s in enumerate(sessions, start=1)
    ]
    png = draw_grid(
        [e.name for e in people],
        columns,
        [[_answer(e, s) for s in sessions] for e in people],
        {answer: label(f"grid.{answer}") for answer in ANSWERS},
    )
    text = render("coordinator/availability_picture", panel=views.panel_view(panel))
    return Reply(text, document=Document(f"{panel.code}-availability.png", png))
