"""The proposed selection, through the coordinator's use cases on real sign-ups: who fills
the places and the reserves, that earlier decisions stand, and the warnings."""

from __future__ import annotations

from collections.abc import Sequence

from bot.context import AppContext
from tests.conftest import EXAMPLE_CODE
from tests.services.chat import (
    CoordinatorChat,
    VolunteerChat,
    decide,
    labels,
    sign_up,
    text,
    told,
)
from tests.services.conftest import volunteer
from tests.services.db import rows

ALONE = "Fewer than two service users or carers"
ACCEPT = "✅ Confirm these places and reserves"


def answers(yes: int) -> list[str]:
    """Yes to `yes` of the four sessions the selection counts (briefing, training, reading,
    scoring day) and no to the rest; yes to the two optional ones, which do not count."""
    counted = ["Yes"] * yes + ["No"] * (4 - yes)
    return [counted[0], counted[1], "Yes", counted[2], "Yes", counted[3]]


async def signed_up(
    app: AppContext, names_and_yes: Sequence[tuple[str, int]], *, first_id: int = 2001
) -> dict[str, VolunteerChat]:
    people = {}
    for n, (name, yes) in enumerate(names_and_yes):
        chat = volunteer(app, first_id + n, name)
        await sign_up(chat, code=EXAMPLE_CODE, name=name, availability=answers(yes))
        people[name] = chat
    return people


async def held_for(app: AppContext, chat_id: int) -> list[str]:
    """The decisions waiting in the outbox for this person: what they will be told."""
    found = await rows(
        app.db,
        "SELECT reply_json FROM outbox WHERE chat_id = ? AND for_status IS NOT NULL",
        chat_id,
    )
    return [str(raw) for (raw,) in found]


async def statuses(app: AppContext) -> dict[str, str]:
    found = await rows(
        app.db,
        "SELECT v.name, a.status FROM applications a JOIN volunteers v ON v.id = a.volunteer_id",
    )
    return {str(name): str(status) for name, status in found}


async def propose(priya: CoordinatorChat) -> str:
    await priya.command("roster", EXAMPLE_CODE)
    proposal = await priya.press("Proposed selection")
    assert proposal is not None
    return text(proposal)


async def test_accepting_fills_the_places_by_availability_then_the_reserves_and_tells_each(
    app: AppContext, priya: CoordinatorChat
) -> None:
    # Six places and three reserves; in sign-up order.
    people = await signed_up(
        app,
        [("Ada", 0), ("Ben", 4), ("Cat", 1), ("Dev", 4), ("Eve", 3),
         ("Fay", 2), ("Gus", 4), ("Hal", 3), ("Ivy", 2), ("Jo", 1)],
    )  # fmt: skip
    shown = await propose(priya)
    assert "6 places and 3 reserves" in shown
    accepted = await priya.press(ACCEPT)
    assert accepted is not None
    # Most sessions first; on a tie, whoever signed up first (Fay before Ivy, Cat before Jo).
    placed = {"Ben", "Dev", "Gus", "Eve", "Hal", "Fay"}
    reserves = {"Ivy", "Cat", "Jo"}
    assert await statuses(app) == {
        **{name: "confirmed" for name in placed},
        **{name: "reserve" for name in reserves},
        "Ada": "applied",
    }
    for name in placed:
        assert any(
            "You have a place" in t for t in await held_for(app, people[name].person.chat_id)
        )
    for name in reserves:
        assert any(
            "You are a reserve" in t for t in await held_for(app, people[name].person.chat_id)
        )
    assert await held_for(app, people["Ada"].person.chat_id) == []

    rest = await priya.press("Tell the others kindly there is no place")
    assert rest is not None
    assert (await statuses(app))["Ada"] == "declined"
    assert [
        t for t in await held_for(app, people["Ada"].person.chat_id) if "offer you a place" in t
    ]
    assert rest.notices == []  # nobody is told at once: each decision waits its hold


async def test_decisions_already_made_are_kept_and_nobody_is_told_twice(
    app: AppContext, priya: CoordinatorChat
) -> None:
    people = await signed_up(app, [("Ada", 0), ("Ben", 4), ("Cat", 4), ("Dev", 2)])
    await decide(priya, EXAMPLE_CODE, "Ada", "Give a place")  # free for none of them
    await decide(priya, EXAMPLE_CODE, "Ben", "Decline kindly")  # free for all of them
    shown = await propose(priya)
    panel_part = shown.split("<b>Panel</b>")[1].split("<b>Reserves</b>")[0]
    assert "Ada (Has a place)" in panel_part
    assert "Ben" not in shown
    accepted = await priya.press(ACCEPT)
    assert accepted is not None
    assert await statuses(app) == {
        "Ada": "confirmed", "Ben": "declined", "Cat": "confirmed", "Dev": "confirmed"
    }  # fmt: skip
    ada = await held_for(app, people["Ada"].person.chat_id)
    assert len(ada) == 1 and "You have a place" in ada[0]  # one message, from her decision
    ben = await held_for(app, people["Ben"].person.chat_id)
    assert len(ben) == 1 and "offer you a place" in ben[0]
    assert "3 places are still empty" in shown


async def test_the_proposal_warns_when_fewer_than_two_would_sit_with_lived_experience(
    app: AppContext, priya: CoordinatorChat
) -> None:
    await signed_up(app, [("Ada", 4)])
    assert ALONE in await propose(priya)
    carer = volunteer(app, 3001, "Ben")
    await sign_up(carer, code=EXAMPLE_CODE, name="Ben", role="I am a carer")
    assert ALONE not in await propose(priya)


async def test_an_old_proposal_changes_nothing_once_someone_new_signs_up(
    app: AppContext, priya: CoordinatorChat
) -> None:
    people = await signed_up(app, [("Ada", 4), ("Ben", 3)])
    await propose(priya)
    await signed_up(app, [("Cat", 4)], first_id=4001)
    pressed = await priya.press(ACCEPT)
    assert pressed is not None
    assert "The sign-ups changed since you looked, so nothing was changed" in text(pressed)
    assert "Cat" in text(pressed) and ACCEPT in labels(pressed)
    assert set((await statuses(app)).values()) == {"applied"}
    assert all(told(pressed, chat.person.chat_id) == [] for chat in people.values())
