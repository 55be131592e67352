"""Rows of a real SQLite state file corrupted on purpose: each is set aside (kept in table
``set_aside``) and reported once; every other document reads and writes as before."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.clock import FixedClock
from bot.adapters.store import StoreError, open_store

NOW = FixedClock(datetime(2026, 5, 4, 12, 0, tzinfo=UTC))
BAD = {
    "truncated": '{"a": ',
    "a list": "[1, 2]",
    "deep": "[" * 5000 + "]" * 5000,
}


def corrupt(path: Path) -> None:
    with sqlite3.connect(path) as db:
        for key, text in BAD.items():
            db.execute("INSERT INTO documents VALUES ('alert', ?, ?, 3, NULL)", (key, text))
        db.execute("INSERT INTO documents VALUES ('alert', 'latin1', X'7B22E9223A317D', 1, NULL)")


def test_corrupt_rows_are_set_aside_and_the_rest_is_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "state.db"
    store = open_store(f"sqlite:///{path}", NOW)
    store.put("alert", "good", {"n": 1})
    store.put("alert", "zz-after", {"n": 2})
    corrupt(path)
    assert len(store.unreadable()) == 4  # type: ignore[attr-defined]

    with caplog.at_level(logging.ERROR):
        assert store.get("alert", "truncated") is None
        assert [r.key for r in store.scan("alert")] == ["good", "zz-after"]
    assert len([r for r in caplog.records if "set aside" in r.getMessage()]) == 4
    assert '{"a"' not in caplog.text  # the row's content never reaches the log

    store.close()
    store = open_store(f"sqlite:///{path}", NOW)  # a restart finds a clean state
    assert [r.body for r in store.scan("alert")] == [{"n": 1}, {"n": 2}]
    assert store.put("alert", "truncated", {"n": 3}, expected_version=0) == 1
    with sqlite3.connect(path) as db:
        aside = dict(db.execute("SELECT key, body FROM set_aside WHERE key != 'latin1'"))
    assert aside == BAD  # kept as it was, for whoever wants to look


def test_a_table_that_is_not_ours_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY)")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a genai-ops state file"):
        open_store(f"sqlite:///{path}", NOW)
    assert path.read_bytes() == before
