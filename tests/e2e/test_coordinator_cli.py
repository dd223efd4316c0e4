"""`panelbot coordinator add/remove/list`, `panelbot audit`, and the coordinator's scripted
sandbox walk-through from sign-ups to a confirmed panel."""

from __future__ import annotations

from pathlib import Path

from bot.clock import SystemClock
from bot.store import coordinators
from bot.store.db import Database
from tests.conftest import ROOT
from tests.e2e.test_config_and_cli import run_cli


def test_coordinators_are_added_listed_and_removed(tmp_path: Path) -> None:
    env = {"PANELBOT_DATABASE": str(tmp_path / "p.sqlite3"), "PANELBOT_COORDINATORS": "111"}
    added = run_cli("coordinator", "add", "222", env=env, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert "222 is now a coordinator" in added.stdout
    assert "command menu appears when the bot next starts" in added.stdout
    assert "was already" in run_cli("coordinator", "add", "222", env=env, cwd=tmp_path).stdout
    listed = run_cli("coordinator", "list", env=env, cwd=tmp_path)
    assert listed.stdout.splitlines() == [
        "111  owner of every panel  (PANELBOT_COORDINATORS)",
        "222  owner of every panel  (panelbot coordinator add)",
    ]
    from_setting = run_cli("coordinator", "remove", "111", env=env, cwd=tmp_path)
    assert from_setting.returncode == 1
    assert "remove it there" in from_setting.stdout
    removed = run_cli("coordinator", "remove", "222", env=env, cwd=tmp_path)
    assert removed.returncode == 0 and "222 is no longer a coordinator" in removed.stdout
    bad = run_cli("coordinator", "add", "12ab", env=env, cwd=tmp_path)
    assert bad.returncode == 2 and "is not a Telegram user id" in bad.stderr


def test_a_coordinator_is_given_a_panel_as_helper_listed_and_has_it_taken_away(
    tmp_path: Path,
) -> None:
    env = {"PANELBOT_DATABASE": str(tmp_path / "p.sqlite3"), "PANELBOT_COORDINATORS": "111"}
    imported = run_cli("panel", "import", str(ROOT / "examples" / "panel.yaml"), env=env,
                       cwd=tmp_path)  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    code = "ashbridge-day-2027"
    added = run_cli("coordinator", "add", "333", "--panel", code, "--role", "helper", env=env,
                    cwd=tmp_path)  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert f"333 is now a coordinator, helper of {code}" in added.stdout
    typo = run_cli("coordinator", "add", "333", "--panel", "ashbrige", env=env, cwd=tmp_path)
    assert typo.returncode == 1 and "no panel with the code 'ashbrige'" in typo.stdout
    assert run_cli("coordinator", "list", env=env, cwd=tmp_path).stdout.splitlines() == [
        "111  owner of every panel  (PANELBOT_COORDINATORS)",
        f"333  {code} (helper)  (panelbot coordinator add)",
    ]
    removed = run_cli("coordinator", "remove", "333", "--panel", code, env=env, cwd=tmp_path)
    assert removed.returncode == 0
    assert "With no panel left, they are no longer a coordinator" in removed.stdout
    assert "333" not in run_cli("coordinator", "list", env=env, cwd=tmp_path).stdout
    helped = run_cli("coordinator", "--help", env=env, cwd=tmp_path).stdout
    assert "helper" in helped and "owns every panel" in helped


async def test_audit_prints_who_did_what_when(tmp_path: Path) -> None:
    database = tmp_path / "p.sqlite3"
    db = await Database.open(database)
    now = SystemClock().now()
    async with db.transaction() as tx:
        await coordinators.audit(
            tx,
            now,
            9001,
            "set_status",
            panel_code="ashbridge-day-2027",
            volunteer_id=3,
            detail="applied -> confirmed",
        )
        await coordinators.audit(tx, now, 9002, "export", panel_code="other-panel")
    await db.close()
    env = {"PANELBOT_DATABASE": str(database)}
    everything = run_cli("audit", env=env, cwd=tmp_path).stdout.splitlines()
    assert len(everything) == 2
    assert everything[0].endswith(
        "coordinator 9001  set_status  ashbridge-day-2027  volunteer 3  applied -> confirmed"
    )
    only = run_cli("audit", "--panel", "other-panel", env=env, cwd=tmp_path).stdout
    assert only.strip().endswith("coordinator 9002  export  other-panel  -")
    assert len(run_cli("audit", "--last", "1", env=env, cwd=tmp_path).stdout.splitlines()) == 1


def test_a_coordinator_runs_the_example_panel_to_a_confirmed_panel_in_the_sandbox(
    tmp_path: Path,
) -> None:
    script = (ROOT / "examples" / "coordinator-walkthrough.txt").read_text(encoding="utf-8")
    # The script types the briefing's new date, so it runs on the example dated from the
    # tests' day, whatever day it is.
    result = run_cli("sandbox", "--as", "coordinator", "--clock", "2027-01-11 10:00",
                     env={}, cwd=tmp_path, stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Traceback" not in out + result.stderr
    for step in (
        "(added 8 made-up sign-ups",
        "You have signed up for the Ashbridge day services panel",
        "Done. Sam is now: Has a place. We will tell them at 10:05am.",
        "now has 6 people with a place and 3 reserves",
        "Sign-ups for Help choose who runs Ashbridge day services are closed",
        "Delivered: 6",
        "We told 9 people",
        "ashbridge-day-2027-anonymised.csv",
        "Counted: the 9 people in the running (6 with a place ✅, 3 reserves 🔸",
        "Places taken: 6 of 6 · Reserves: 3 of 3",
        "You have a place on the panel.",
        "Welcome and briefing: Tuesday 9 March 2027, 12 noon",
        "Saved: Step-free access for Sam is ✅ arranged.",
        "Saved: Reading stand for Sam is ✖ can't be arranged.",
        "We have booked a step-free way in for you. It is for every session.",
        "We will bring a book rest for you instead.",
        # The briefing moved after the marks: what was booked was for the old time, so both
        # its needs are being arranged again, the one marked for every session too.
        "• You asked for a step-free way in. We are still arranging it.",
        "• You asked for a reading stand. We are still arranging it.",
    ):
        assert step in out, step
