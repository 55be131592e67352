"""A locked or corrupted state file gives a clear error and loses nothing already stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import StoreError
from bot.store.sqlite import SqliteStore


def test_locked_state_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = SqliteStore(str(path), timeout=0.2)
    store.put("alert", "a", {"state": "firing"})
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="another genai-ops process"):
            store.put("alert", "a", {"state": "resolved"})
    finally:
        other.execute("ROLLBACK")
        other.close()
    record = store.get("alert", "a")
    assert record is not None and record.body == {"state": "firing"}
    assert store.put("alert", "a", {"state": "resolved"}, expected_version=1) == 2


def test_truncated_state_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = SqliteStore(str(path))
    for i in range(200):
        store.put("alert", f"k{i}", {"pad": "x" * 200})
    store.close()
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\xff" * 4000 + data[4100:])
    with pytest.raises(StoreError, match=str(path.name)):
        broken = SqliteStore(str(path))
        broken.scan("alert")
