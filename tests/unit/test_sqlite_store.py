from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Conflict, StoreError, open_store


def test_conditional_writes(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    assert store.put("alert", "a", {"n": 1}, expected_version=0) == 1
    with pytest.raises(Conflict):
        store.put("alert", "a", {"n": 2}, expected_version=0)
    assert store.put("alert", "a", {"n": 2}, expected_version=1) == 2
    with pytest.raises(Conflict):
        store.put("alert", "a", {"n": 3}, expected_version=1)
    record = store.get("alert", "a")
    assert record is not None and record.body == {"n": 2} and record.version == 2


def test_state_survives_a_restart(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    first = open_store(url)
    first.put("alert", "a", {"state": "firing"})
    first.close()
    again = open_store(url).get("alert", "a")
    assert again is not None and again.body["state"] == "firing"


def test_scan_by_prefix_and_expiry(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    past = datetime.now(UTC) - timedelta(seconds=1)
    store.put("outbox", "2026-01-02", {"i": 2})
    store.put("outbox", "2026-01-01", {"i": 1})
    store.put("outbox", "2025-12-31", {"i": 0}, expires_at=past)
    store.put("other", "2026-01-03", {"i": 3})
    assert [r.body["i"] for r in store.scan("outbox", "2026")] == [1, 2]
    assert store.get("outbox", "2025-12-31") is None
    assert store.put("outbox", "2025-12-31", {"i": 9}, expected_version=0) == 1


def test_delete_with_version(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    store.put("k", "a", {})
    with pytest.raises(Conflict):
        store.delete("k", "a", expected_version=5)
    store.delete("k", "a", expected_version=1)
    assert store.get("k", "a") is None


def test_corrupt_file_gives_an_actionable_error(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="move it aside"):
        open_store(f"sqlite:///{path}")


def test_unknown_scheme() -> None:
    with pytest.raises(StoreError, match="unsupported state URL"):
        open_store("redis://x")
