"""One poll cycle: read CloudWatch, evaluate the rules, decide, notify, save."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from alarms import latency
from alarms.lifecycle import Notice, decide, mark_notified
from alarms.model import Evaluation, SeriesKey
from alarms.rules import LatencySpikeRule, Rule
from bot.alert_store import AlertStore
from bot.aws.cloudwatch import BEDROCK, CloudWatchReader
from bot.notifier import DeliveryError, Notifier

log = logging.getLogger(__name__)

# CloudWatch bills GetMetricData per metric requested: USD 0.01 per 1,000.
USD_PER_METRIC_REQUESTED = 0.01 / 1000


@dataclass
class CycleReport:
    started_at: datetime
    models: list[str] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    notices: list[tuple[Notice, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    metrics_requested: int = 0
    api_calls: int = 0


@dataclass(frozen=True)
class PollConfig:
    rules: tuple[Rule, ...]
    latency_statistic: str
    period_seconds: int
    lookback: timedelta


def period_floor(moment: datetime, period_seconds: int) -> datetime:
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % period_seconds, tz=moment.tzinfo)


def monthly_cost_usd(metrics_per_cycle: int, interval_seconds: int) -> float:
    cycles_per_month = 30 * 86_400 / interval_seconds
    return metrics_per_cycle * cycles_per_month * USD_PER_METRIC_REQUESTED


class Poller:
    def __init__(
        self,
        config: PollConfig,
        reader: CloudWatchReader,
        alerts: AlertStore,
        notifier: Notifier,
    ) -> None:
        self.config = config
        self.reader = reader
        self.alerts = alerts
        self.notifier = notifier

    def run_once(self, now: datetime) -> CycleReport:
        report = CycleReport(started_at=now)
        calls_before, metrics_before = self.reader.api_calls, self.reader.metrics_requested
        end = period_floor(now, self.config.period_seconds)
        start = end - self.config.lookback
        models = self.reader.discover_models()
        report.models = models
        report.evaluations = self._evaluate(models, start, end)
        for evaluation in report.evaluations:
            self._apply(evaluation, now, report)
        report.api_calls = self.reader.api_calls - calls_before
        report.metrics_requested = self.reader.metrics_requested - metrics_before
        log.info(
            "poll cycle done",
            extra={
                "models": len(models),
                "notices": len(report.notices),
                "api_calls": report.api_calls,
                "metrics_requested": report.metrics_requested,
            },
        )
        return report

    def _evaluate(self, models: list[str], start: datetime, end: datetime) -> list[Evaluation]:
        period = self.config.period_seconds
        rules = [r for r in self.config.rules if isinstance(r, LatencySpikeRule)]
        wanted: list[tuple[LatencySpikeRule, str, SeriesKey, SeriesKey]] = []
        for rule in rules:
            for model in models:
                if rule.watches(model):
                    dims = (("ModelId", model),)
                    lat = SeriesKey(
                        namespace=BEDROCK,
                        metric=rule.metric,
                        dimensions=dims,
                        stat=self.config.latency_statistic,
                    )
                    inv = SeriesKey(
                        namespace=BEDROCK, metric="Invocations", dimensions=dims, stat="Sum"
                    )
                    wanted.append((rule, model, lat, inv))
        keys = list(dict.fromkeys(k for _, _, lat, inv in wanted for k in (lat, inv)))
        data = self.reader.fetch(keys, start, end, period)
        return [
            latency.evaluate(rule, model, data[lat].points, data[inv].by_time(), period)
            for rule, model, lat, inv in wanted
        ]

    def _apply(self, evaluation: Evaluation, now: datetime, report: CycleReport) -> None:
        previous, version = self.alerts.get(evaluation.fingerprint)
        decision = decide(previous, evaluation, now)
        if decision.alert is None:
            return
        alert = decision.alert
        if decision.notice is not None:
            try:
                self.notifier.notify(alert, decision.notice)
            except DeliveryError as exc:
                log.warning("notice not delivered; retried next cycle", extra={"reason": str(exc)})
                report.failures.append(str(exc))
                return
            alert = mark_notified(alert, now)
            report.notices.append((decision.notice, alert.fingerprint))
        self.alerts.save(alert, expected_version=version)
