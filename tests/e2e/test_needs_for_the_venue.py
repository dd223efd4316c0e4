"""The copy of /needs for the venue, through the real Application: numbers only, counted
exactly as /needs counts them."""

from __future__ import annotations

import csv
import io
import re

from bot.standin.api import FakeUser
from tests.conftest import EXAMPLE_CODE, World
from tests.coordinating import rows, seed
from tests.e2e.test_need_states import set_statuses

SESSION_LINE = re.compile(r"^(?P<title>[^•\n][^·\n]*?) · ")
NEED_LINE = re.compile(r"^• (?P<need>[^:]+): (?P<count>\d+)")


def counts(text: str) -> dict[str, dict[str, int]]:
    """Each session's title, with each need's count, as a message lists them."""
    found: dict[str, dict[str, int]] = {}
    title = None
    for line in text.splitlines():
        need = NEED_LINE.match(line)
        session = SESSION_LINE.match(line)
        if need and title is not None:
            found[title][need["need"]] = int(need["count"])
        elif session:
            title = session["title"]
            found[title] = {}
    return found


async def test_the_venue_copy_names_nobody_and_counts_as_needs_does(
    world: World, coordinator: FakeUser
) -> None:
    people = await seed(world, 12)
    await set_statuses(
        world,
        people,
        ["confirmed"] * 5 + ["reserve"] * 2 + ["applied"] * 2 + ["declined"] * 2 + ["withdrawn"],
    )
    async with world.db.transaction() as tx:
        await tx.execute(
            "UPDATE volunteers SET needs_note = ? WHERE needs_consented_at IS NOT NULL",
            ("Femi needs the room by the lift, ring 07700 900123",),
        )
    report = (await world.harness.say(coordinator, f"/needs {EXAMPLE_CODE}")).text
    copy = await world.harness.press_button(coordinator, "📋 Copy for the venue")
    [message, sent_file] = copy.messages
    assert sent_file.document is not None
    filename, content = sent_file.document
    assert filename == f"{EXAMPLE_CODE}-needs-for-venue.csv"
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    print("\n--- the copy for the venue ---\n" + message.text)

    # Nobody is named, reachable or described.
    personal = await rows(world, "SELECT name, contact, needs_note FROM volunteers")
    words = {value for row in personal for value in row if value}
    everything = message.text + sent_file.text + content.decode("utf-8-sig")
    assert words and not [w for w in words if w in everything]
    assert "Femi" not in everything and "07700" not in everything
    for marker in ("✅", "🔸", "to arrange"):
        assert marker not in message.text

    # The same numbers as /needs, for every session held at a venue.
    from_needs, from_copy = counts(report), counts(message.text)
    no_venue = ("Training catch-up by video", "Read and score the plans at home")
    at_a_venue = {title for title in from_needs if title not in no_venue}
    assert set(from_copy) == at_a_venue
    for title, needs in from_copy.items():
        assert needs == from_needs[title], title
    # Each session's head count is the one /needs gives: everyone in the running who has
    # not said they can't come (so reserves and those waiting for a decision too).
    for title in from_copy:
        counted = re.search(rf"^{re.escape(title)} · .* · (\d+) counted$", report, re.M)
        up_to = re.search(rf"^{re.escape(title)} · .* · up to (\d+) people$", message.text, re.M)
        assert counted and up_to and counted[1] == up_to[1], title
    header, *body = table
    assert header == [
        "Venue", "Session", "Date", "Time", "Up to (people)", "Support need", "People who need it"
    ]  # fmt: skip
    from_csv: dict[str, dict[str, int]] = {}
    for _venue, session, _date, _time, _up_to, need, count in body:
        from_csv.setdefault(session, {})[need] = int(count)
    assert from_csv == from_copy
    audit = await rows(world, "SELECT action FROM audit_log WHERE action = 'venue_copy'")
    assert audit == [("venue_copy",)]
