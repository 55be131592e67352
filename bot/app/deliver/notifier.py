"""Taking notices from the poller: every notice is written to the outbox first.

``notify`` never talks to Slack, so a notice is never lost to a Slack outage: it waits in the
outbox and the delivery pipeline sends it (now, or after backoff, across polls and restarts).
Notices written in one cycle are delivered together, so firing alerts of one rule share one
message.
"""

from __future__ import annotations

from datetime import datetime

from alarms.lifecycle import Notice
from alarms.model import Alert
from bot.adapters.store import StateStore, StoreError, Write
from bot.adapters.store.outbox import Outbox
from bot.app.deliver.pipeline import Delivery


class DeliveryError(Exception):
    """A notice could not be queued; the poller keeps the alert unnotified."""


class OutboxNotifier:
    """Queues every notice in the state store; ``flush`` runs the delivery pipeline."""

    def __init__(self, store: StateStore, delivery: Delivery) -> None:
        self.outbox = Outbox(store)
        self.delivery = delivery

    def notify(self, alert: Alert, notice: Notice) -> str | None:
        try:
            self.outbox.add(
                notice,
                alert.fingerprint,
                alert.rule,
                alert.updated_at.isoformat(),
                alert.updated_at,
            )
        except StoreError as exc:
            raise DeliveryError(f"cannot queue the notice: {exc}") from exc
        return None

    def queued(self, alert: Alert, notice: Notice) -> Write:
        """The outbox write for ``notice``, for the poller to commit with its claim."""
        return self.outbox.entry(
            notice, alert.fingerprint, alert.rule, alert.updated_at.isoformat(), alert.updated_at
        )

    def flush(self, now: datetime) -> list[str]:
        report = self.delivery.flush(now)
        problems = [f"Slack refused a notice for good: {reason}" for reason in report.refused]
        if report.waiting:
            problems.append(f"{report.waiting} notice(s) queued, retried later: {report.problem}")
        return problems
