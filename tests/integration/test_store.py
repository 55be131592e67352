"""One suite for every state-store backend: SQLite and a real DynamoDB table (in moto)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from bot.adapters.clock import SystemClock
from bot.adapters.store import Conflict, StateStore, StoreError, open_store
from bot.adapters.store.dynamodb import DynamoStore
from tests.support.stores import BACKENDS, TABLE, store_url


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    endpoint = request.getfixturevalue("aws") if request.param == "dynamodb" else None
    return store_url(request.param, tmp_path, endpoint)


@pytest.fixture
def store(url: str) -> Iterator[StateStore]:
    opened = open_store(url, SystemClock())
    yield opened
    opened.close()


def test_conditional_writes(store: StateStore) -> None:
    assert store.put("alert", "a", {"n": 1}, expected_version=0) == 1
    with pytest.raises(Conflict):
        store.put("alert", "a", {"n": 2}, expected_version=0)
    assert store.put("alert", "a", {"n": 2}, expected_version=1) == 2
    with pytest.raises(Conflict, match="version"):
        store.put("alert", "a", {"n": 3}, expected_version=1)
    with pytest.raises(Conflict):
        store.put("alert", "missing", {"n": 3}, expected_version=4)
    record = store.get("alert", "a")
    assert record is not None and record.body == {"n": 2} and record.version == 2
    assert store.get("alert", "missing") is None


def test_unconditional_writes_count_versions(store: StateStore) -> None:
    assert [store.put("cursor", "logs", {"at": i}) for i in range(3)] == [1, 2, 3]
    record = store.get("cursor", "logs")
    assert record is not None and record.body == {"at": 2} and record.version == 3


def test_documents_round_trip_as_json(store: StateStore) -> None:
    body: dict[str, Any] = {
        "text": "Latenz überschritten ✓",
        "ratio": 0.1 + 0.2,
        "big": 2**53,
        "none": None,
        "nested": {"list": [1, "two", {"three": 3.5}], "flag": True},
    }
    store.put("ask", "C1:1700000000.000100", body)
    record = store.get("ask", "C1:1700000000.000100")
    assert record is not None and record.body == body


def test_state_survives_a_restart(url: str) -> None:
    first = open_store(url, SystemClock())
    first.put("alert", "a", {"state": "firing"})
    first.close()
    again = open_store(url, SystemClock())
    record = again.get("alert", "a")
    assert record is not None and record.body["state"] == "firing" and record.version == 1
    again.close()


def test_scan_by_kind_and_prefix_in_key_order(store: StateStore) -> None:
    keys = ["b", "a:2", "a:10", "a", "Z", "é", "a:1", "ab"]
    for key in keys:
        store.put("silence", key, {"key": key})
    store.put("silences", "a:0", {"key": "other kind"})
    assert [r.key for r in store.scan("silence")] == sorted(keys)
    assert [r.key for r in store.scan("silence", "a:")] == ["a:1", "a:10", "a:2"]
    assert [r.body["key"] for r in store.scan("silence", "a")] == ["a", "a:1", "a:10", "a:2", "ab"]
    assert store.scan("silence", "zz") == []
    assert store.scan("nothing") == []


def test_expired_documents_are_gone_for_every_read(store: StateStore) -> None:
    past = datetime.now(UTC) - timedelta(seconds=2)
    future = datetime.now(UTC) + timedelta(hours=1)
    store.put("outbox", "2026-01-02", {"i": 2}, expires_at=future)
    store.put("outbox", "2026-01-01", {"i": 1})
    store.put("outbox", "2025-12-31", {"i": 0}, expires_at=past)
    store.put("other", "2026-01-03", {"i": 3})
    assert [r.body["i"] for r in store.scan("outbox", "2026")] == [1, 2]
    assert [r.body["i"] for r in store.scan("outbox")] == [1, 2]
    assert store.get("outbox", "2025-12-31") is None
    with pytest.raises(Conflict):
        store.put("outbox", "2025-12-31", {"i": 8}, expected_version=1)
    assert store.put("outbox", "2025-12-31", {"i": 9}, expected_version=0) == 1


def test_an_expired_document_restarts_at_version_one(store: StateStore) -> None:
    store.put("event", "Ev1", {}, expires_at=datetime.now(UTC) - timedelta(seconds=2))
    assert store.put("event", "Ev1", {"seen": True}) == 1


def test_delete_with_and_without_version(store: StateStore) -> None:
    store.put("k", "a", {})
    with pytest.raises(Conflict):
        store.delete("k", "a", expected_version=5)
    store.delete("k", "a", expected_version=1)
    assert store.get("k", "a") is None
    store.delete("k", "a")  # absent: no error
    with pytest.raises(Conflict):
        store.delete("k", "a", expected_version=1)


def test_dynamodb_scan_follows_every_page(aws: str, tmp_path: Path) -> None:
    store_url("dynamodb", tmp_path, aws)
    store = DynamoStore(TABLE, SystemClock(), boto3.client("dynamodb"), page_size=3)
    for i in range(11):
        store.put("usage", f"day:{i:02d}", {"i": i})
    store.put("usage", "day:05", {"gone": True}, expires_at=datetime.now(UTC) - timedelta(1))
    assert [r.body["i"] for r in store.scan("usage", "day:")] == [*range(5), *range(6, 11)]


def test_dynamodb_missing_table_says_how_to_create_it(aws: str) -> None:
    store = open_store("dynamodb://no-such-table", SystemClock())
    with pytest.raises(StoreError, match=r"does not exist.*infra/template.yaml"):
        store.get("alert", "a")


def test_dynamodb_rejects_empty_keys(aws: str, tmp_path: Path) -> None:
    store = open_store(store_url("dynamodb", tmp_path, aws), SystemClock())
    with pytest.raises(StoreError, match="non-empty"):
        store.put("alert", "", {})


def test_sqlite_corrupt_file_gives_an_actionable_error(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="move it aside"):
        open_store(f"sqlite:///{path}", SystemClock())


@pytest.mark.parametrize("url", ["redis://x", "dynamodb://", "sqlite:/relative"])
def test_unknown_scheme(url: str) -> None:
    with pytest.raises(StoreError, match="unsupported state URL"):
        open_store(url, SystemClock())
