"""A locked or corrupted state file gives a clear error and loses nothing already stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.adapters.clock import SystemClock
from bot.adapters.store import StoreError
from bot.adapters.store.sqlite import SqliteStore


def test_locked_state_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = SqliteStore(str(path), SystemClock(), timeout=0.2)
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
    store = SqliteStore(str(path), SystemClock())
    for i in range(200):
        store.put("alert", f"k{i}", {"pad": "x" * 200})
    store.close()
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\xff" * 4000 + data[4100:])
    with pytest.raises(StoreError, match=str(path.name)):
        broken = SqliteStore(str(path), SystemClock())
        broken.scan("alert")


def test_many_processes_opening_a_new_state_file_at_once(tmp_path: Path) -> None:
    import threading

    for attempt in range(20):
        path = tmp_path / f"fresh-{attempt}.db"
        start = threading.Barrier(8)
        errors: list[Exception] = []

        def open_and_write(
            path: Path = path, start: threading.Barrier = start, errors: list[Exception] = errors
        ) -> None:
            start.wait()
            try:
                SqliteStore(str(path), SystemClock()).put("alert", "a", {"state": "firing"})
            except StoreError as exc:
                errors.append(exc)

        threads = [threading.Thread(target=open_and_write) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
