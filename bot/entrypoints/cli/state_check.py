"""`check-config` on the state store: can it be used, and can every row be read."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.clock import Clock
from bot.adapters.store import StoreError, open_store
from bot.config.settings import Settings

SHOWN = 5  # rows named in the message; the count covers all


def state_problem(settings: Settings, clock: Clock) -> str | None:
    """One line on what is wrong with the state store, or None when it is usable.

    A SQLite file that does not exist yet is fine (the bot creates it), and nothing is
    written to a file that exists. A DynamoDB table is read whole for unreadable items;
    a table that cannot be reached is reported when the bot first uses it, as before.
    """
    url = settings.state_url
    if url.startswith("dynamodb://"):
        return _table_problem(url, clock)
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///")).expanduser()
    if not path.exists():
        return None
    try:
        store = open_store(url, clock)
    except StoreError as exc:
        return str(exc)
    try:
        unreadable = store.unreadable()  # type: ignore[attr-defined]
    except StoreError as exc:
        return str(exc)
    finally:
        store.close()
    if not unreadable:
        return None
    return (
        f"state file {path}: {len(unreadable)} state row(s) cannot be read "
        f"({_named(unreadable)}); "
        "the bot sets each aside (table set_aside) when it meets it and keeps the rest"
    )


def _table_problem(url: str, clock: Clock) -> str | None:
    """One line naming the DynamoDB items that cannot be read, or None."""
    try:
        store = open_store(url, clock)
        unreadable = store.unreadable()  # type: ignore[attr-defined]
    except StoreError:
        return None  # unreachable or missing: poll and serve say so, with what to do
    if not unreadable:
        return None
    table = url.removeprefix("dynamodb://")
    return (
        f"DynamoDB table {table}: {len(unreadable)} state item(s) cannot be read "
        f"({_named(unreadable)}); the bot sets each aside (kind set_aside) when it meets it "
        "and keeps the rest"
    )


def _named(unreadable: list[tuple[str, str, str]]) -> str:
    named = "; ".join(f"{kind}/{key}: {why}" for kind, key, why in unreadable[:SHOWN])
    more = f"; and {len(unreadable) - SHOWN} more" if len(unreadable) > SHOWN else ""
    return named + more
