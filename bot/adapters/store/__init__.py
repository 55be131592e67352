"""State storage: one small document interface with SQLite and DynamoDB behind it."""

from __future__ import annotations

from bot.adapters.clock import Clock
from bot.adapters.store.base import Conflict, Record, StateStore, StoreError, Write, put_first


def open_store(url: str, clock: Clock) -> StateStore:
    """Open the store that ``url`` names (``sqlite:///path`` or ``dynamodb://TABLE``); records
    expire by ``clock``."""
    if url.startswith("sqlite:///"):
        from bot.adapters.store.sqlite import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///"), clock)
    if url.startswith("dynamodb://") and len(url) > len("dynamodb://"):
        from bot.adapters.store.dynamodb import DynamoStore

        return DynamoStore(url.removeprefix("dynamodb://"), clock)
    raise StoreError(
        f"unsupported state URL {url!r}: use sqlite:///path/to/state.db or dynamodb://TABLE"
    )


__all__ = ["Conflict", "Record", "StateStore", "StoreError", "Write", "open_store", "put_first"]
