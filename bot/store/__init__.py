"""State storage: one small document interface with SQLite and DynamoDB behind it."""

from __future__ import annotations

from bot.store.base import Conflict, Record, StateStore, StoreError


def open_store(url: str) -> StateStore:
    """Open the store that ``url`` names (``sqlite:///path`` or ``dynamodb://TABLE``)."""
    if url.startswith("sqlite:///"):
        from bot.store.sqlite import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///"))
    if url.startswith("dynamodb://") and len(url) > len("dynamodb://"):
        from bot.store.dynamodb import DynamoStore

        return DynamoStore(url.removeprefix("dynamodb://"))
    raise StoreError(
        f"unsupported state URL {url!r}: use sqlite:///path/to/state.db or dynamodb://TABLE"
    )


__all__ = ["Conflict", "Record", "StateStore", "StoreError", "open_store"]
