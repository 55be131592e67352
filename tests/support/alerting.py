"""Alerts in the store and their Slack messages, made as the poller makes them."""

from __future__ import annotations

from datetime import UTC, datetime

from alarms.lifecycle import Notice
from alarms.model import Alert, AlertState, Severity
from bot import bootstrap
from bot.adapters.store import StateStore
from bot.adapters.store.alerts import AlertStore
from bot.app.deliver.notifier import OutboxNotifier
from bot.config.load import load_settings

T = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def make_alert(model: str, at: datetime = T, rule: str = "latency_spike") -> Alert:
    return Alert(
        fingerprint=f"fp-{rule}-{model}".replace(":", "-").replace(".", "-"),
        rule=rule,
        labels={"model": model},
        state=AlertState.FIRING,
        severity=Severity.WARNING,
        value=6000,
        baseline=2000,
        threshold=3000,
        unit="ms",
        summary="InvocationLatency 6,000 ms (3.0x usual)",
        details={"metric": "InvocationLatency", "invocations": "150"},
        started_at=at,
        updated_at=at,
    )


class Alerting:
    """The outbox notifier and the alert store, driven through the poller's contract."""

    def __init__(self, store: StateStore) -> None:
        self.store = store
        self.alerts = AlertStore(store)
        notifier = bootstrap.notifier(load_settings(), store)
        assert isinstance(notifier, OutboxNotifier)
        self.notifier = notifier

    def fire(self, model: str, at: datetime = T, rule: str = "latency_spike") -> Alert:
        alert = make_alert(model, at, rule)
        self.alerts.save(alert)
        self.notifier.notify(alert, Notice.FIRING)
        return alert

    def repeat(self, alert: Alert, at: datetime) -> Alert:
        again = alert.model_copy(update={"updated_at": at, "value": 7000})
        self.alerts.save(again)
        self.notifier.notify(again, Notice.REPEAT)
        return again

    def resolve(self, alert: Alert, at: datetime) -> Alert:
        done = alert.model_copy(
            update={"state": AlertState.RESOLVED, "resolved_at": at, "updated_at": at}
        )
        self.alerts.save(done)
        self.notifier.notify(done, Notice.RESOLVED)
        return done

    def current(self, alert: Alert) -> Alert:
        stored, _ = self.alerts.get(alert.fingerprint)
        assert stored is not None
        return stored
