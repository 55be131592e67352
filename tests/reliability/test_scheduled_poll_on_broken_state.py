"""The scheduled poll when the state file stops being usable under a running bot: one clear
line per cycle, no traceback, and the scheduler keeps ticking."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot import bootstrap
from bot.adapters.clock import FixedClock
from bot.adapters.store import open_store
from bot.config.load import load_settings
from bot.entrypoints.scheduler import safe_cycle
from tests.support.fake_slack import FakeSlack

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def test_each_cycle_logs_one_line_without_a_traceback(
    cloudwatch: Any, slack: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "state.db"
    settings = load_settings(latency_statistic="Average", state_url=f"sqlite:///{path}")
    clock = FixedClock(NOW)
    poller = bootstrap.poller(settings, store=open_store(settings.state_url, clock), at=clock)
    safe_cycle(poller, clock)  # a healthy cycle first
    with sqlite3.connect(path) as db:  # someone else's tool rewrites the file's table
        db.execute("ALTER TABLE documents RENAME TO documents_old")

    with caplog.at_level(logging.INFO, logger="bot"):
        safe_cycle(poller, clock)
        safe_cycle(poller, clock)
    failed = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(failed) == 2, [r.getMessage() for r in caplog.records]
    assert all(r.exc_info is None for r in caplog.records)  # no traceback anywhere
    reasons = [str(getattr(r, "reason", "")) for r in failed]
    assert all(str(path) in reason and "move it aside" in reason for reason in reasons)
