"""`check-config` on the state store: can it be used, and can every row be read."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.clock import Clock
from bot.adapters.store import StoreError, open_store
from bot.config.settings import Settings

SHOWN = 5  # rows named in the message; the count covers all


def state_problem(settings: Settings, clock: Clock) -> str | None:
    """One line on what is wrong with the SQLite state file, or None when it is usable.

    A file that does not exist yet is fine (the bot creates it), and nothing is written to
    a file that exists. Other backends are checked when the bot first uses them.
    """
    url = settings.state_url
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
    named = "; ".join(f"{kind}/{key}: {why}" for kind, key, why in unreadable[:SHOWN])
    more = f"; and {len(unreadable) - SHOWN} more" if len(unreadable) > SHOWN else ""
    return (
        f"state file {path}: {len(unreadable)} state row(s) cannot be read ({named}{more}); "
        "the bot sets each aside (table set_aside) when it meets it and keeps the rest"
    )
