"""Delivering the outbox, in order, as a pipeline of stages (as in Alertmanager).

0. route and mute: each alert goes to the channel of its route (``alarms.routing``); a
   notice for a route inside its mute times is held or dropped (``mute.py``);
1. group: notices of one poll cycle that share a message become one unit, however they are
   interleaved (firing notices of one rule and route, alike in the route's ``group_by``
   labels, are one new message in that route's channel; repeats and resolutions of one
   message are one thread reply);
2. dedup: a notice whose alert is gone is dropped; a repeat or resolution goes to the
   message of the alert's episode, never a second top-level post;
3. send, with retry and backoff: when the channel fails, the head unit waits (its
   ``Retry-After``, else exponential backoff) and everything behind it waits too, so order
   is kept; a unit the channel refuses for good is set aside for ``check-config``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from alarms.delivery import SendFailed, wait_after
from alarms.lifecycle import Notice
from alarms.model import Alert, AlertState
from alarms.route_table import RouteTable
from alarms.routing import Destination, alert_labels
from alarms.silences import Silence
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.outbox import Entry, Outbox
from bot.adapters.store.silences import SilenceStore
from bot.adapters.store.threads import AlertThread, Threads
from bot.app.deliver.grouping import family, units
from bot.app.deliver.mute import MuteStage
from bot.app.ports import AlertChannel, StateStore

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    delivered: int = 0
    waiting: int = 0
    refused: list[str] = field(default_factory=list)
    problem: str | None = None  # why delivery stopped, when it did


class Delivery:
    """Sends outbox entries to an ``AlertChannel`` and records which message tells which alert."""

    def __init__(
        self, store: StateStore, channel: AlertChannel, routes: RouteTable | None = None
    ) -> None:
        self.channel = channel
        self.routes = routes or RouteTable()
        self.outbox = Outbox(store)
        self.threads = Threads(store)
        self.alerts = AlertStore(store)
        self.silence_store = SilenceStore(store)
        self.mute = MuteStage(self.routes, self.outbox, self.alerts, self.threads)

    def flush(self, now: datetime) -> DeliveryReport:
        """Deliver what is due, oldest first; stop at the first unit that must wait."""
        report = DeliveryReport()
        if not self.outbox.lock(now):
            report.problem = "another process is delivering"
            return report
        try:
            self._flush(now, report)
        finally:
            self.outbox.unlock()
        return report

    def _flush(self, now: datetime, report: DeliveryReport) -> None:
        pending = self.outbox.pending()
        for unit in units(pending, self._unit_key):
            head = unit[0]
            if self.mute.handled(unit, now):
                continue
            if not head.due(now):
                report.waiting = len(pending) - report.delivered - len(report.refused)
                report.problem = head.last_error or "waiting to retry"
                return
            try:
                self._send(head.notice, unit, now)
            except SendFailed as failure:
                if failure.permanent:
                    self._set_aside(unit, failure, now, report)
                    continue
                wait = wait_after(failure, head.attempts + 1)
                self.outbox.retry_later(head, failure.reason, now + wait)
                report.waiting = len(pending) - report.delivered - len(report.refused)
                report.problem = failure.reason
                log.warning(
                    "alert notice not delivered; will retry",
                    extra={
                        "reason": failure.reason,
                        "retry_in_s": wait.total_seconds(),
                        "waiting": report.waiting,
                    },
                )
                return
            for entry in unit:
                self.outbox.done(entry)
            report.delivered += len(unit)

    def _set_aside(
        self, unit: list[Entry], failure: SendFailed, now: datetime, report: DeliveryReport
    ) -> None:
        for entry in unit:
            self.outbox.give_up(entry, failure.reason, now)
        report.refused.append(failure.reason)
        log.warning(
            "the channel refused an alert notice for good: %s",
            failure.reason,
            extra={"reason": failure.reason, "rule": unit[0].rule, "notice": unit[0].notice.value},
        )

    def _unit_key(self, entry: Entry) -> tuple[str, ...]:
        if entry.notice is Notice.FIRING:
            alert = self.alerts.get(entry.fingerprint)[0]
            if alert is None:
                return (entry.notice.value, entry.batch, entry.rule)
            where = self.routes.primary(alert)
            alike = tuple(alert.labels.get(label, "") for label in where.group_by)
            return (entry.notice.value, entry.batch, entry.rule, where.name, *alike)
        thread = self.threads.of_alert(entry.fingerprint)
        return (entry.notice.value, entry.batch, thread.key if thread else entry.fingerprint)

    def _send(self, notice: Notice, unit: list[Entry], now: datetime) -> None:
        alerts = [a for e in unit if (a := self.alerts.get(e.fingerprint)[0]) is not None]
        if not alerts:
            return  # dedup: the alerts are gone (expired or deleted), nothing to tell
        if notice is Notice.FIRING:
            if any(entry.held_until for entry in unit):  # held by a mute: only the still firing
                alerts = [alert for alert in alerts if alert.state is AlertState.FIRING]
            alerts = self._into_families(alerts, now)
            if not alerts:
                return
        thread = None if notice is Notice.FIRING else self.threads.of_alert(alerts[0].fingerprint)
        if notice is Notice.RESOLVED and unit[0].held_until and thread is None:
            return  # fired and resolved inside a mute: nothing to tell
        if thread is None or thread.ts is None:
            self._post_new(unit[0].key, alerts, now)
            return
        self.refresh(thread, now)
        self.channel.reply((thread.channel, thread.ts), notice, alerts, now)
        thread.replies.append(notice.value)
        self.threads.save(thread, now)

    def silences(self) -> dict[str, Silence]:
        return {silence.id: silence for silence in self.silence_store.all()}

    def _post_new(self, key: str, alerts: list[Alert], now: datetime) -> None:
        primary, *copies = self.routes.destinations(alert_labels(alerts[0]))
        channel, ts = self.channel.post(alerts, self.silences(), now, to=primary)
        thread = AlertThread(
            key=f"m-{key}",
            rule=alerts[0].rule,
            fingerprints=[alert.fingerprint for alert in alerts],
            channel=channel,
            ts=ts,
        )
        self.threads.save(thread, now)
        for name in {f for alert in alerts if (f := family(alert))}:
            self.threads.join_family(name, thread, now)
        self._copy(copies, alerts, now)

    def _copy(self, copies: list[Destination], alerts: list[Alert], now: datetime) -> None:
        """Routes matched with ``continue`` after the first get a copy of the firing message
        (not muted ones); its thread, edits and buttons stay with the primary route."""
        for where in copies:
            if self.routes.muted(where, now):
                continue
            try:
                self.channel.post(alerts, self.silences(), now, to=where)
            except SendFailed as failure:
                log.warning(
                    "copy of an alert not posted",
                    extra={"route": where.name, "reason": failure.reason},
                )

    def _into_families(self, alerts: list[Alert], now: datetime) -> list[Alert]:
        """Tell each alert whose family already has a message (another level of the same
        budget this period) in that message's thread, and edit the message to show it;
        returns the alerts that still need a message of their own."""
        rest: list[Alert] = []
        for alert in alerts:
            name = family(alert)
            thread = self.threads.of_family(name) if name else None
            if thread is None or thread.ts is None:
                rest.append(alert)
                continue
            if alert.fingerprint not in thread.fingerprints:
                thread.fingerprints.append(alert.fingerprint)
            self.refresh(thread, now)
            self.channel.reply((thread.channel, thread.ts), Notice.FIRING, [alert], now)
            thread.replies.append(Notice.FIRING.value)
            self.threads.save(thread, now)
        return rest

    def refresh(self, thread: AlertThread, now: datetime) -> None:
        """Edit the alert message to show its alerts' stored state now."""
        alerts = [a for fp in thread.fingerprints if (a := self.alerts.get(fp)[0]) is not None]
        if not alerts or thread.ts is None:
            return
        where = self.routes.primary(alerts[0])
        self.channel.update((thread.channel, thread.ts), alerts, self.silences(), now, to=where)

    def announce(self, alerts: list[Alert], note: str, now: datetime) -> str | None:
        """Re-render each message showing ``alerts`` and add ``note`` to its thread; returns
        the first problem, or None when every message was updated."""
        seen: set[str] = set()
        for alert in alerts:
            thread = self.threads.of_alert(alert.fingerprint)
            if thread is None or thread.ts is None or thread.key in seen:
                continue
            seen.add(thread.key)
            try:
                self.refresh(thread, now)
                self.channel.note((thread.channel, thread.ts), note)
            except SendFailed as failure:
                return failure.reason
        return None
