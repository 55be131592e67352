"""Where alert notices go: a Slack channel, or the terminal when Slack is not configured."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TextIO, runtime_checkable

from alarms.lifecycle import Notice
from alarms.model import Alert
from bot.slack.render import alert_text
from bot.store import StateStore, StoreError

if TYPE_CHECKING:
    from bot.slack.delivery import Deliverer

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A notice could not be delivered; the poller keeps the alert unnotified."""


class Notifier(Protocol):
    def notify(self, alert: Alert, notice: Notice) -> str | None:
        """Deliver one notice; returns a message reference (Slack ts) when there is one."""


class TerminalNotifier:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def notify(self, alert: Alert, notice: Notice) -> str | None:
        self.stream.write(alert_text(alert, notice) + "\n\n")
        self.stream.flush()
        return None


# --- outbox delivery (issue 5) ----------------------------------------------------------


@runtime_checkable
class Flushing(Protocol):
    """A notifier that queues notices during a cycle and delivers them at its end."""

    def flush(self, now: datetime) -> list[str]:
        """Deliver what is due; returns problems worth reporting (empty when all went)."""


class OutboxNotifier:
    """Writes every notice to the outbox in the state store; ``flush`` delivers them.

    ``notify`` never talks to Slack, so a notice is never lost to a Slack outage: it waits in
    the outbox and is retried with backoff by later flushes (across polls and restarts).
    Notices written in one cycle are delivered together, so firing alerts of one rule
    share one message.
    """

    def __init__(self, store: StateStore, deliverer: Deliverer) -> None:
        from bot.slack.outbox import Outbox

        self.outbox = Outbox(store)
        self.deliverer = deliverer

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

    def flush(self, now: datetime) -> list[str]:
        report = self.deliverer.flush(now)
        problems = [f"Slack refused a notice for good: {reason}" for reason in report.refused]
        if report.waiting:
            problems.append(f"{report.waiting} notice(s) queued, retried later: {report.problem}")
        return problems
