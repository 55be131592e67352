"""Hourly usage roll-ups in the state store, applied idempotently.

Each hour is one document per account and region (kind ``usage_hour``, key
``YYYY-MM-DDTHH/ACCOUNT/REGION`` in UTC; hours written before roll-ups were labelled keep the
plain ``YYYY-MM-DDTHH``). A batch of
deltas carries an id; an hour remembers the ids it applied recently, so re-applying a batch
after a crash or a redelivery changes nothing. Writes are conditional on the version and
retried on conflict, so two writers never lose each other's counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from alarms.rollup import Rollup
from bot.adapters.store import Conflict, StateStore, StoreError

KIND = "usage_hour"
REMEMBERED_BATCHES = 500
ATTEMPTS = 20


def hour_key(hour: datetime, account: str = "", region: str = "") -> str:
    """The document key of one hour's roll-up in one account and region."""
    key = hour.astimezone(UTC).strftime("%Y-%m-%dT%H")
    return f"{key}/{account}/{region}" if account or region else key


def deltas_to_json(deltas: dict[str, Rollup]) -> dict[str, Any]:
    return {key: rollup.to_json() for key, rollup in deltas.items()}


def deltas_from_json(body: dict[str, Any]) -> dict[str, Rollup]:
    return {key: Rollup.from_json(value) for key, value in body.items()}


class RollupStore:
    def __init__(self, store: StateStore) -> None:
        self.store = store

    def apply(self, batch_id: str, deltas: dict[str, Rollup]) -> None:
        """Add each hour's delta unless this batch was already applied to it."""
        for key, delta in deltas.items():
            self._apply_one(batch_id, key, delta)

    def _apply_one(self, batch_id: str, key: str, delta: Rollup) -> None:
        for _ in range(ATTEMPTS):
            record = self.store.get(KIND, key)
            applied: list[str] = list(record.body.get("applied", [])) if record else []
            if batch_id in applied:
                return
            if record is None:
                body = delta.to_json()  # a new hour: the delta is all of it
            else:
                current = Rollup.from_json(record.body)
                current.merge(delta)
                body = current.to_json()
            body["applied"] = [*applied, batch_id][-REMEMBERED_BATCHES:]
            try:
                self.store.put(KIND, key, body, expected_version=record.version if record else 0)
                return
            except Conflict:
                continue
        raise StoreError(f"usage roll-up {key} kept changing under {ATTEMPTS} attempts")

    def hours(self, start: datetime, end: datetime) -> list[Rollup]:
        """Hourly roll-ups with start <= hour < end (UTC hours)."""
        return list(self.iter_hours(start, end))

    def iter_hours(self, start: datetime, end: datetime) -> Iterator[Rollup]:
        day = start.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        while day < end:
            for record in self.store.scan(KIND, day.strftime("%Y-%m-%dT")):
                rollup = Rollup.from_json(record.body)
                if start <= rollup.hour < end:
                    yield rollup
            day += timedelta(days=1)
