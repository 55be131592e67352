"""What the use cases need from the world, as Protocols, and the one Clock.

Adapters implement these (``bot.adapters``); the bootstrap wires them in. Use cases never
build a client or read the system time themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol, runtime_checkable

from alarms.lifecycle import Notice
from alarms.model import Alert
from alarms.routing import Destination
from alarms.silences import Silence
from bot.adapters.clock import Clock
from bot.adapters.store.base import StateStore, Write

__all__ = ["AlertChannel", "Clock", "MessageRef", "Notifier", "QueuingNotifier", "StateStore"]

MessageRef = tuple[str, str]  # (channel id, message ts)


class AlertChannel(Protocol):
    """Where alert messages are shown. Raises ``alarms.delivery.SendFailed`` on failure."""

    def post(
        self,
        alerts: list[Alert],
        silences: Mapping[str, Silence],
        now: datetime,
        to: Destination | None = None,
    ) -> MessageRef:
        """A new alert message in ``to``'s channel (None: the alert channel)."""

    def update(
        self,
        where: MessageRef,
        alerts: list[Alert],
        silences: Mapping[str, Silence],
        now: datetime,
        to: Destination | None = None,
    ) -> None: ...

    def reply(
        self, where: MessageRef, notice: Notice, alerts: list[Alert], now: datetime
    ) -> None: ...

    def note(self, where: MessageRef, text: str) -> None: ...


class Notifier(Protocol):
    """Takes the notices a poll cycle decided on."""

    def notify(self, alert: Alert, notice: Notice) -> str | None:
        """Accept one notice; returns a message reference when there is one."""

    def flush(self, now: datetime) -> list[str]:
        """Deliver what is due; returns problems worth reporting (empty when all went)."""


@runtime_checkable
class QueuingNotifier(Notifier, Protocol):
    """A notifier whose notices are documents in the state store (the outbox)."""

    def queued(self, alert: Alert, notice: Notice) -> Write:
        """The write that queues ``notice``; the caller commits it with the alert's claim."""
