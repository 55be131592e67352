"""Alerts kept in the state store, one document per fingerprint."""

from __future__ import annotations

from alarms.model import Alert, AlertState
from bot.adapters.store import StateStore, Write

KIND = "alert"


class AlertStore:
    def __init__(self, store: StateStore) -> None:
        self.store = store

    def get(self, fingerprint: str) -> tuple[Alert | None, int]:
        """The stored alert and its version (0 when there is none)."""
        record = self.store.get(KIND, fingerprint)
        if record is None:
            return None, 0
        return Alert.model_validate(record.body), record.version

    def save(self, alert: Alert, expected_version: int | None = None) -> int:
        body = alert.model_dump(mode="json")
        return self.store.put(KIND, alert.fingerprint, body, expected_version=expected_version)

    def write(self, alert: Alert, expected_version: int | None = None) -> Write:
        """The write that saves ``alert``, for a caller that commits it with other writes."""
        return Write(KIND, alert.fingerprint, alert.model_dump(mode="json"), expected_version)

    def restore(self, fingerprint: str, previous: Alert | None, *, expected_version: int) -> None:
        """Put back the state before a claim (delete when there was none), if still claimed."""
        if previous is None:
            self.store.delete(KIND, fingerprint, expected_version=expected_version)
        else:
            self.save(previous, expected_version=expected_version)

    def all(self) -> list[Alert]:
        return [Alert.model_validate(record.body) for record in self.store.scan(KIND)]

    def active(self) -> list[Alert]:
        return [alert for alert in self.all() if alert.state is AlertState.FIRING]
