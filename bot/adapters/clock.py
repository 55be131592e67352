"""The one clock: the only place that reads the system time.

Everything else that needs "now" (stores' expiry, services, the scheduler glue) is handed a
``Clock``, so tests and replays pin time and the bot behaves the same on any date.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Tells the current time, always timezone-aware UTC."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time, from the operating system."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that moves only when told: for replays, the demo's seeded day and tests."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._at = at.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._at

    def set(self, at: datetime) -> None:
        """Jump to ``at`` (forwards or backwards, as a real clock can)."""
        with self._lock:
            self._at = at.astimezone(UTC)

    def advance(self, by: timedelta) -> datetime:
        with self._lock:
            self._at += by
            return self._at
