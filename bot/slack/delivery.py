"""Delivering the outbox to Slack, in order: new alert messages, thread replies, edits.

Firing notices of one rule written in one poll cycle become one message. A repeat goes to
the alert's thread; a resolution edits the original message and adds a thread reply. When
Slack is rate limiting (429, ``Retry-After`` honoured), failing (5xx) or unreachable, the
head entry waits with backoff and everything behind it waits too, so order is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from alarms.lifecycle import Notice
from alarms.model import Alert
from alarms.silences import Silence
from bot.alert_store import AlertStore
from bot.silence_store import SilenceStore
from bot.slack.alert_message import alert_message, duration, how_bad, subject
from bot.slack.outbox import Entry, Outbox
from bot.slack.threads import AlertThread, Threads
from bot.store import StateStore

log = logging.getLogger(__name__)

# Slack errors worth retrying; every other error means Slack refused the message for good.
TRANSIENT = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
}
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(minutes=15)


class Retry(Exception):
    def __init__(self, reason: str, after: timedelta | None = None) -> None:
        super().__init__(reason)
        self.reason, self.after = reason, after


class Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class DeliveryReport:
    delivered: int = 0
    waiting: int = 0
    refused: list[str] = field(default_factory=list)
    problem: str | None = None  # why delivery stopped, when it did


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 30 s, 1 min, 2 min ... up to 15 min."""
    return min(BACKOFF_BASE * 2 ** max(0, attempts - 1), BACKOFF_CAP)


def classify(exc: Exception) -> Retry | Refused:
    """Whether a failed Slack call is worth retrying, and when."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        reason = str(exc.response.get("error") or f"HTTP {status}")
        if status == 429 or reason == "ratelimited":
            headers = {k.lower(): v for k, v in (exc.response.headers or {}).items()}
            after = headers.get("retry-after")
            seconds = int(after[0] if isinstance(after, list) else after or 30)
            return Retry(f"rate limited by Slack ({reason})", timedelta(seconds=max(1, seconds)))
        if status >= 500 or reason in TRANSIENT:
            return Retry(f"Slack error: {reason}")
        return Refused(reason)
    return Retry(f"Slack unreachable: {type(exc).__name__}: {exc}")


class Deliverer:
    """Sends outbox entries to ``channel`` with ``client`` and records the messages."""

    def __init__(self, client: WebClient, channel: str, store: StateStore, region: str) -> None:
        self.client = client
        self.channel = channel
        self.region = region
        self.outbox = Outbox(store)
        self.threads = Threads(store)
        self.alerts = AlertStore(store)

    def flush(self, now: datetime) -> DeliveryReport:
        """Deliver what is due, oldest first; stop at the first entry that must wait."""
        report = DeliveryReport()
        if not self.outbox.lock():
            report.problem = "another process is delivering"
            return report
        try:
            self._flush(now, report)
        finally:
            self.outbox.unlock()
        return report

    def _flush(self, now: datetime, report: DeliveryReport) -> None:
        pending = self.outbox.pending()
        for unit in self._units(pending):
            head = unit[0]
            if not head.due(now):
                report.waiting = len(pending) - report.delivered - len(report.refused)
                report.problem = head.last_error or "waiting to retry"
                return
            try:
                self._deliver(head.notice, unit, now)
            except (SlackClientError, OSError) as exc:
                verdict = classify(exc)
                if isinstance(verdict, Refused):
                    for entry in unit:
                        self.outbox.give_up(entry, verdict.reason, now)
                    report.refused.append(verdict.reason)
                    log.warning(
                        "Slack refused an alert notice for good: %s",
                        verdict.reason,
                        extra={
                            "reason": verdict.reason,
                            "channel": self.channel,
                            "rule": head.rule,
                            "notice": head.notice.value,
                        },
                    )
                    continue
                wait = verdict.after or backoff(head.attempts + 1)
                self.outbox.retry_later(head, verdict.reason, now + wait)
                report.waiting = len(pending) - report.delivered - len(report.refused)
                report.problem = verdict.reason
                log.warning(
                    "alert notice not delivered; will retry",
                    extra={
                        "reason": verdict.reason,
                        "retry_in_s": wait.total_seconds(),
                        "waiting": report.waiting,
                    },
                )
                return
            for entry in unit:
                self.outbox.done(entry)
            report.delivered += len(unit)

    def _units(self, entries: list[Entry]) -> Iterator[list[Entry]]:
        """Consecutive entries delivered together as one Slack message (or reply)."""
        unit: list[Entry] = []
        for entry in entries:
            if unit and self._unit_key(entry) == self._unit_key(unit[0]):
                unit.append(entry)
                continue
            if unit:
                yield unit
            unit = [entry]
        if unit:
            yield unit

    def _unit_key(self, entry: Entry) -> tuple[str, ...]:
        if entry.notice is Notice.FIRING:
            return (entry.notice.value, entry.batch, entry.rule)
        thread = self.threads.of_alert(entry.fingerprint)
        return (entry.notice.value, entry.batch, thread.key if thread else entry.fingerprint)

    def _deliver(self, notice: Notice, unit: list[Entry], now: datetime) -> None:
        alerts = [a for e in unit if (a := self.alerts.get(e.fingerprint)[0]) is not None]
        if not alerts:
            return
        thread = None if notice is Notice.FIRING else self.threads.of_alert(alerts[0].fingerprint)
        if thread is None or thread.ts is None:
            self._post_new(unit[0].key, alerts, now)
            return
        self.refresh(thread, now)
        self.client.chat_postMessage(
            channel=thread.channel, thread_ts=thread.ts, text=reply_text(notice, alerts, now)
        )
        thread.replies.append(notice.value)
        self.threads.save(thread, now)

    def silences(self) -> dict[str, Silence]:
        return {silence.id: silence for silence in SilenceStore(self.alerts.store).all()}

    def _post_new(self, key: str, alerts: list[Alert], now: datetime) -> None:
        text, blocks = alert_message(alerts, self.region, now, self.silences())
        answer = self.client.chat_postMessage(
            channel=self.channel, text=text, blocks=blocks, unfurl_links=False
        )
        thread = AlertThread(
            key=f"m-{key}",
            rule=alerts[0].rule,
            fingerprints=[alert.fingerprint for alert in alerts],
            channel=str(answer.get("channel") or self.channel),
            ts=str(answer["ts"]),
        )
        self.threads.save(thread, now)

    def refresh(self, thread: AlertThread, now: datetime) -> None:
        """Edit the alert message to show its alerts' stored state now."""
        alerts = [a for fp in thread.fingerprints if (a := self.alerts.get(fp)[0]) is not None]
        if not alerts or thread.ts is None:
            return
        text, blocks = alert_message(alerts, self.region, now, self.silences())
        self.client.chat_update(channel=thread.channel, ts=thread.ts, text=text, blocks=blocks)


def reply_text(notice: Notice, alerts: list[Alert], now: datetime) -> str:
    """The thread reply for a repeat or a resolution."""
    lines = []
    for alert in alerts:
        if notice is Notice.RESOLVED:
            end = alert.resolved_at or now
            lines.append(
                f":white_check_mark: Resolved: *{subject(alert)}* after "
                f"{duration(alert.started_at, end)}."
            )
        else:
            lines.append(
                f":repeat: Still firing after {duration(alert.started_at, now)}: "
                f"*{subject(alert)}* {how_bad(alert)}"
            )
    return "\n".join(lines)


def describe(entry: Entry) -> dict[str, Any]:
    """An entry for reports (no message bodies)."""
    return {"notice": entry.notice.value, "rule": entry.rule, "reason": entry.last_error}
