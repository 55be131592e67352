"""Silences kept in the state store, one document per silence id."""

from __future__ import annotations

from datetime import datetime, timedelta

from alarms import silences
from alarms.silences import Silence
from bot.adapters.store import StateStore

KIND = "silence"
# Ended silences stay listable this long (for "who silenced what" in /genai-alerts).
RETENTION = timedelta(days=7)


class SilenceStore:
    """Create, list and expire silences on any StateStore backend (SQLite, DynamoDB)."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def add(self, silence: Silence) -> None:
        """Store a new silence; raises store.Conflict when the id is taken."""
        self._put(silence, expected_version=0)

    def get(self, silence_id: str) -> Silence | None:
        record = self.store.get(KIND, silence_id)
        return None if record is None else Silence.model_validate(record.body)

    def all(self) -> list[Silence]:
        """Every stored silence (active, future and recently ended), by id."""
        return [Silence.model_validate(record.body) for record in self.store.scan(KIND)]

    def active(self, now: datetime) -> list[Silence]:
        """Silences in force at ``now``, soonest to expire first."""
        return silences.active(self.all(), now)

    def expire(self, silence_id: str, now: datetime) -> Silence | None:
        """End a silence at ``now``; returns it, or None when there is no such silence."""
        record = self.store.get(KIND, silence_id)
        if record is None:
            return None
        ended = silences.expire(Silence.model_validate(record.body), now)
        self._put(ended, expected_version=record.version)
        return ended

    def _put(self, silence: Silence, expected_version: int | None) -> None:
        self.store.put(
            KIND,
            silence.id,
            silence.model_dump(mode="json"),
            expected_version=expected_version,
            expires_at=silence.expires_at + RETENTION,
        )
