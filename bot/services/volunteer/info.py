"""The plain-English pages about a panel that a person reads before saying yes."""

from __future__ import annotations

from bot import views
from bot.model import Panel, Session
from messages import render

PAGES = (
    "info/1_buying",
    "info/2_panel_role",
    "info/3_process",
    "info/4_dates",
    "info/5_reading",
    "info/6_payment",
    "info/7_benefits",
    "info/8_privacy",
)


def page(panel: Panel, sessions: list[Session], index: int) -> str:
    """Page `index` (from 0) of the pages, as the person sees it."""
    return render(
        PAGES[index],
        page=index + 1,
        total=len(PAGES),
        panel=views.panel_view(panel),
        spec=panel.spec,
        sessions=[views.session_view(s, panel.timezone) for s in sessions],
        kinds={s.kind for s in sessions},
    )


def pages(panel: Panel, sessions: list[Session]) -> list[str]:
    return [page(panel, sessions, index) for index in range(len(PAGES))]
