"""One poll cycle: run every check, decide each alert's next state, notify, save."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from alarms.inhibition import inhibitions
from alarms.lifecycle import Notice, decide, mark_notified
from alarms.model import Alert, Evaluation
from alarms.route_table import RouteTable
from alarms.severity import SeverityPolicy, grade
from alarms.silences import Silence, silenced_by
from bot.adapters.aws.errors import AwsError
from bot.adapters.store import Conflict, StoreError
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.silences import SilenceStore
from bot.app.deliver.notifier import DeliveryError
from bot.app.poll.history import PollHistory
from bot.app.poll.report import CycleReport
from bot.app.ports import Notifier, QueuingNotifier

__all__ = ["Check", "CycleReport", "Poller"]

log = logging.getLogger(__name__)


class Check(Protocol):
    """One source of evaluations (CloudWatch metric rules, budgets, feedback...)."""

    name: str

    def evaluate(self, now: datetime, report: CycleReport) -> list[Evaluation]: ...


class Poller:
    def __init__(
        self,
        checks: list[Check],
        alerts: AlertStore,
        notifier: Notifier,
        silences: SilenceStore | None = None,
        interval_seconds: int = 300,
        severity: SeverityPolicy | None = None,
        routes: RouteTable | None = None,
    ) -> None:
        self.checks = checks
        self.alerts = alerts
        self.notifier = notifier
        self.silences = silences or SilenceStore(alerts.store)
        self.interval_seconds = interval_seconds  # for the self-cost in the poll report
        self.severity = severity or SeverityPolicy()
        self.routes = routes or RouteTable()

    def run_once(self, now: datetime) -> CycleReport:
        """Run every check, then apply silences, inhibition and the lifecycle; notify; save."""
        report = CycleReport(started_at=now)
        for check in self.checks:
            try:
                evaluations = check.evaluate(now, report)
            except (AwsError, StoreError) as exc:
                self._failed(report, check.name, str(exc))
                continue
            except Exception as exc:
                log.exception("check crashed", extra={"check": check.name})
                self._failed(report, check.name, f"unexpected {type(exc).__name__}")
                continue
            report.evaluations += [self._route_repeat(grade(e, self.severity)) for e in evaluations]
        muting = self.silences.active(now)
        held = inhibitions(report.evaluations)
        for evaluation in report.evaluations:
            try:
                self._apply(evaluation, now, report, muting, held.get(evaluation.fingerprint))
            except Exception as exc:
                log.warning(
                    "alert not judged this cycle",
                    extra={"rule": evaluation.rule, "reason": f"{type(exc).__name__}: {exc}"},
                )
                report.failures.append(f"{evaluation.rule}: {type(exc).__name__}")
        report.failures += self.notifier.flush(now)  # queued notices go out together, in order
        self._save_report(report)
        log.info(
            "poll cycle done",
            extra={
                "models": len(report.models),
                "notices": len(report.notices),
                "api_calls": report.api_calls,
                "metrics_requested": report.metrics_requested,
                "datapoints_requested": report.datapoints_requested,
                "failures": len(report.failures),
            },
        )
        return report

    def _route_repeat(self, evaluation: Evaluation) -> Evaluation:
        """The evaluation with its route's repeat interval, when the route sets one."""
        labels = {**evaluation.labels, "rule": evaluation.rule}
        where = self.routes.destinations(labels | {"severity": evaluation.severity.value})[0]
        if where.repeat_interval_minutes is None:
            return evaluation
        return evaluation.model_copy(
            update={"repeat_interval_minutes": where.repeat_interval_minutes}
        )

    @staticmethod
    def _failed(report: CycleReport, check: str, reason: str) -> None:
        log.warning("check failed; retried next cycle", extra={"check": check, "reason": reason})
        report.failures.append(f"{check}: {reason}")

    def _save_report(self, report: CycleReport) -> None:
        try:
            PollHistory(self.alerts.store).save(report, self.interval_seconds)
        except StoreError as exc:
            log.warning("poll report not saved", extra={"reason": str(exc)})

    def _apply(
        self,
        evaluation: Evaluation,
        now: datetime,
        report: CycleReport,
        muting: list[Silence],
        inhibited_by: str | None,
    ) -> None:
        previous, version = self.alerts.get(evaluation.fingerprint)
        silence = silenced_by(
            muting, evaluation.rule, evaluation.labels, evaluation.fingerprint, now
        )
        decision = decide(previous, evaluation, now, silence=silence, inhibited_by=inhibited_by)
        if decision.alert is None:
            return
        alert = decision.alert
        if decision.notice is None:
            self._save(alert, version)
            return
        if isinstance(self.notifier, QueuingNotifier):
            self._claim_and_queue(alert, version, decision.notice, now, report)
            return
        # Claim the notice with a conditional write before sending it, so that of two pollers
        # racing on the same alert (overlapping Lambda runs) exactly one posts.
        claimed = self._save(mark_notified(alert, now), version)
        if claimed is None:
            return
        try:
            self.notifier.notify(alert, decision.notice)
        except DeliveryError as exc:
            log.warning("notice not delivered; retried next cycle", extra={"reason": str(exc)})
            report.failures.append(str(exc))
            try:
                self.alerts.restore(alert.fingerprint, previous, expected_version=claimed)
            except Conflict:
                log.warning("undelivered notice was overtaken", extra={"rule": alert.rule})
            return
        report.notices.append((decision.notice, alert.fingerprint))

    def _claim_and_queue(
        self, alert: Alert, version: int, notice: Notice, now: datetime, report: CycleReport
    ) -> None:
        """Claim the notice and queue it in the outbox in one atomic write: of two pollers
        racing on the same alert exactly one queues it, and a crash leaves both or neither."""
        assert isinstance(self.notifier, QueuingNotifier)
        claim = self.alerts.write(mark_notified(alert, now), expected_version=version)
        try:
            self.alerts.store.put_all([claim, self.notifier.queued(alert, notice)])
        except Conflict:
            log.info("alert changed during the cycle", extra={"fingerprint": alert.fingerprint})
            return
        except StoreError as exc:
            log.warning("notice not queued; retried next cycle", extra={"reason": str(exc)})
            report.failures.append(f"cannot queue the notice: {exc}")
            return
        report.notices.append((notice, alert.fingerprint))

    def _save(self, alert: Alert, version: int) -> int | None:
        """Save on top of ``version``; None when someone else changed it first.

        That someone is a concurrent poller or a person (e.g. an Acknowledge button): theirs
        wins and the next cycle decides again from it.
        """
        try:
            return self.alerts.save(alert, expected_version=version)
        except Conflict:
            log.info("alert changed during the cycle", extra={"fingerprint": alert.fingerprint})
            return None
