"""The poll schedule on a real APScheduler: failures are survived, runs never overlap."""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from alarms.model import Evaluation
from bot.adapters.clock import SystemClock
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.sqlite import SqliteStore
from bot.adapters.terminal import TerminalNotifier
from bot.app.poll.poller import Poller
from bot.app.poll.report import CycleReport
from bot.entrypoints.scheduler import start_background


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


class BuggyOnceCheck:
    """A check whose first run hits a bug (not an AWS error), then works."""

    name = "buggy-once"

    def __init__(self) -> None:
        self.runs = 0

    def evaluate(self, now: datetime, report: CycleReport) -> list[Evaluation]:
        self.runs += 1
        if self.runs == 1:
            raise RuntimeError("boom in a check")
        return [Evaluation(rule="latency_spike", labels={"model": "m"}, firing=True, summary="s")]


class SlowCheck:
    """Each run takes longer than the interval; records how many ran at once."""

    name = "slow"

    def __init__(self) -> None:
        self.running = 0
        self.most_at_once = 0
        self.runs = 0
        self.lock = threading.Lock()

    def evaluate(self, now: datetime, report: CycleReport) -> list[Evaluation]:
        with self.lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        time.sleep(1.5)
        with self.lock:
            self.running -= 1
            self.runs += 1
        return []


def poller_with(check: object, tmp_path: Path, out: io.StringIO) -> Poller:
    store = SqliteStore(str(tmp_path / "state.db"), SystemClock())
    return Poller([check], AlertStore(store), TerminalNotifier(out))  # type: ignore[list-item]


def test_a_failed_cycle_is_logged_and_retried_on_the_next_tick(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    check, out = BuggyOnceCheck(), io.StringIO()
    caplog.set_level(logging.ERROR, logger="bot")
    scheduler = start_background(poller_with(check, tmp_path, out), SystemClock(), interval=1)
    try:
        assert wait_for(lambda: "Latency spike on m" in out.getvalue())
        assert scheduler.running
    finally:
        scheduler.shutdown(wait=True)
    assert check.runs >= 2
    # the poller logs a bug in one check with its traceback, and the cycle goes on
    failures = [r for r in caplog.records if "check crashed" in r.getMessage()]
    assert len(failures) == 1 and "boom in a check" in (failures[0].exc_text or "")


def test_slow_cycles_never_overlap_and_missed_ticks_coalesce(tmp_path: Path) -> None:
    check = SlowCheck()
    scheduler = start_background(
        poller_with(check, tmp_path, io.StringIO()), SystemClock(), interval=1
    )
    try:
        assert wait_for(lambda: check.runs >= 3)
    finally:
        scheduler.shutdown(wait=True)
    assert check.most_at_once == 1
