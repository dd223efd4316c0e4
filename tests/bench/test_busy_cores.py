"""The broadcast benchmark's busy machine: one spinner a core while the block lasts, and
none left spinning after it, however it ends."""

from __future__ import annotations

import os

import pytest

from bench.busy import busy_cores


def test_one_spinner_a_core_for_as_long_as_the_block_lasts() -> None:
    with busy_cores() as busy:
        assert len(busy.processes) == (os.cpu_count() or 2)
        assert all(process.poll() is None for process in busy.processes)  # spinning
    assert all(process.returncode is not None for process in busy.processes)


def test_the_spinners_end_when_the_block_raises() -> None:
    with pytest.raises(RuntimeError), busy_cores(2) as busy:
        raise RuntimeError("the benchmark failed")
    assert [process.returncode is not None for process in busy.processes] == [True, True]
