"""Event-id claims on the real SQLite store: first delivery wins, retries lose, claims expire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.clock import SystemClock
from bot.adapters.store.sqlite import SqliteStore
from bot.entrypoints.slack.claims import EVENT_KEEP, claim_event


def test_claims(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "state.db"), SystemClock())
    now = datetime.now(UTC)

    assert claim_event(store, "Ev1", now) is True
    assert claim_event(store, "Ev1", now) is False
    assert claim_event(store, "Ev2", now) is True
    long_ago = now - EVENT_KEEP - timedelta(minutes=1)
    assert claim_event(store, "EvOld", long_ago) is True
    assert claim_event(store, "EvOld", now) is True  # the old claim has expired
