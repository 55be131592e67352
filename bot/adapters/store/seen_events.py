"""Which log events were already counted, for the minutes a poll may read again.

The usage reader re-reads an overlap window every poll, so a record delivered late is still
read. To count each record once it remembers the event ids it read in that window: one
document per minute of event time (kind ``usage_seen``, key ``GROUP|YYYY-MM-DDTHH:MM``)
holding short hashes of the ids. Only the minutes the next poll can read again are kept;
older ones are deleted, so the documents stay few and small whatever the log volume.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.adapters.store.base import StateStore, StoreError, Write

KIND = "usage_seen"
MINUTE_MS = 60_000
log = logging.getLogger(__name__)


def event_hash(event_id: str) -> str:
    """A short, stable hash of an event id (64 bits: no collision within a minute in practice)."""
    return hashlib.blake2b(event_id.encode(), digest_size=8).hexdigest()


def minute_key(group: str, minute: int) -> str:
    when = datetime.fromtimestamp(minute * 60, UTC)
    return f"{group}|{when:%Y-%m-%dT%H:%M}"


@dataclass
class SeenWindow:
    """The remembered hashes of one log group from ``start_ms`` on, as read at the start."""

    group: str
    start_ms: int
    minutes: dict[int, set[str]] = field(default_factory=dict)
    stale: list[str] = field(default_factory=list)  # keys of minutes no poll reads again
    _dirty: set[int] = field(default_factory=set)

    def first_time(self, event_id: str, timestamp: int, *, keep: bool) -> bool:
        """True unless an earlier read counted this event; ``keep`` remembers it if new."""
        minute = timestamp // MINUTE_MS
        hashes = self.minutes.get(minute)
        digest = event_hash(event_id)
        if hashes is not None and digest in hashes:
            return False
        if keep:
            if hashes is None:
                hashes = self.minutes[minute] = set()
            hashes.add(digest)
            self._dirty.add(minute)
        return True

    def writes(self) -> list[Write]:
        """The documents of the minutes changed since the last call, to commit with the cursor.

        Unconditional: the cursor's own conditional write in the same transaction is what
        keeps two pollers apart.
        """
        out = [
            Write(KIND, minute_key(self.group, m), {"ids": sorted(self.minutes[m])})
            for m in sorted(self._dirty)
        ]
        self._dirty.clear()
        return out


class SeenEvents:
    """Loads the remembered minutes of a log group and deletes those out of reach."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def window(self, group: str, start_ms: int) -> SeenWindow:
        """Every remembered minute that a read from ``start_ms`` covers."""
        window = SeenWindow(group, start_ms)
        first = start_ms // MINUTE_MS
        for record in self.store.scan(KIND, f"{group}|"):
            minute = _minute_of(record.key)
            if minute is None or minute < first:
                window.stale.append(record.key)
            else:
                window.minutes[minute] = {str(h) for h in record.body.get("ids", [])}
        return window

    def forget_stale(self, window: SeenWindow) -> None:
        """Delete minutes no later read can reach (best effort: left ones are retried)."""
        for key in window.stale:
            try:
                self.store.delete(KIND, key)
            except StoreError as exc:
                log.warning("could not delete old dedupe entries", extra={"reason": str(exc)})
                return
        window.stale.clear()


def _minute_of(key: str) -> int | None:
    try:
        when = datetime.strptime(key.rsplit("|", 1)[1], "%Y-%m-%dT%H:%M").replace(tzinfo=UTC)
    except (IndexError, ValueError):
        return None
    return int(when.timestamp()) // 60
