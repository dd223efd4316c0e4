"""What someone who is not a coordinator gets from a coordinator's command or button: the
same answer a volunteer gets for an unknown command or an old button, revealing nothing."""

from __future__ import annotations

from bot.replies import Outcome, Reply
from messages import render


def unknown_command() -> Outcome:
    return Outcome([Reply(render("volunteer/unknown_command"))])


def dead_button() -> Outcome:
    return Outcome([Reply(render("volunteer/stale_button_no_journey"))])
