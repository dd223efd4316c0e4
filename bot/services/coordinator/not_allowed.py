"""What someone who is not a coordinator gets from a coordinator's command: the same answer a
volunteer gets for an unknown command, revealing nothing. (For a coordinator's button, the
use case returns None and the press gets the answer to any old button: bot/telegram/presses.py.)"""

from __future__ import annotations

from bot.replies import Outcome, Reply
from messages import render


def unknown_command() -> Outcome:
    return Outcome([Reply(render("volunteer/unknown_command"))])
