"""Event-id claims on the real SQLite store: first delivery wins, retries lose, claims expire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.slack.dedupe import KEEP, claim
from bot.store.sqlite import SqliteStore


def test_claims(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "state.db"))
    now = datetime.now(UTC)

    assert claim(store, "Ev1", now) is True
    assert claim(store, "Ev1", now) is False
    assert claim(store, "Ev2", now) is True
    long_ago = now - KEEP - timedelta(minutes=1)
    assert claim(store, "EvOld", long_ago) is True
    assert claim(store, "EvOld", now) is True  # the old claim has expired
