"""Counts that add up to the same total everywhere: /panels, /roster, /needs and
/availability each count everyone in the running and say so, and name who is left out."""

from __future__ import annotations

import re

from bot.context import AppContext
from tests.conftest import EXAMPLE_CODE
from tests.services.chat import CoordinatorChat, decide, sign_up, text
from tests.services.conftest import volunteer

NAMES = ["Ada", "Ben", "Cai", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kit", "Lu"]
COUNTED = re.compile(
    r"Counted: the (\d+) people in the running \((\d+) with a place ✅, (\d+) reserves? 🔸, "
    r"(\d+) waiting for a decision\)\.(?: Not counted: (\d+) who left or w(?:as|ere) not chosen\.)?"
)


async def test_twelve_people_signed_up_decided_and_withdrawn_are_counted_the_same_everywhere(
    app: AppContext, priya: CoordinatorChat
) -> None:
    people = {}
    for n, name in enumerate(NAMES):
        people[name] = volunteer(app, 3001 + n, name)
        await sign_up(people[name], code=EXAMPLE_CODE, name=name)
    for name in NAMES[:4]:
        await decide(priya, EXAMPLE_CODE, name, "Give a place")
    for name in NAMES[4:6]:
        await decide(priya, EXAMPLE_CODE, name, "Make a reserve")
    for name in NAMES[6:8]:
        await decide(priya, EXAMPLE_CODE, name, "Decline kindly")
    for name in ("Dee", "Kit"):  # one with a place and one still waiting leave
        await people[name].withdraw()
        await people[name].press("Yes, I want to leave")
    expected = ("8", "3", "2", "3", "4")  # 12 = 8 in the running + 2 declined + 2 who left
    seen = {}
    for command in ("panels", "roster", "needs", "availability"):
        args = () if command == "panels" else (EXAMPLE_CODE,)
        outcome = await priya.command(command, *args)
        assert outcome is not None
        found = COUNTED.findall(text(outcome))
        assert len(found) == 1, (command, text(outcome))
        seen[command] = found[0]
    assert seen == dict.fromkeys(seen, expected)
