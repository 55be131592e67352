"""The CloudWatch metric rules as one poll check: one batched read, then pure evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from alarms import latency
from alarms.model import Evaluation, SeriesKey
from alarms.rules import LatencySpikeRule, Rule
from bot.aws.cloudwatch import BEDROCK, CloudWatchReader
from bot.poll_report import CycleReport, period_floor


@dataclass(frozen=True)
class MetricConfig:
    rules: tuple[Rule, ...]
    latency_statistic: str
    period_seconds: int
    lookback: timedelta


class MetricRulesCheck:
    """Discovers models, reads every series the rules need in one batch, evaluates."""

    name = "metrics"

    def __init__(self, config: MetricConfig, reader: CloudWatchReader) -> None:
        self.config = config
        self.reader = reader

    def evaluate(self, now: datetime, report: CycleReport) -> list[Evaluation]:
        calls_before, metrics_before = self.reader.api_calls, self.reader.metrics_requested
        period = self.config.period_seconds
        end = period_floor(now, period)
        start = end - self.config.lookback
        models = self.reader.discover_models()
        report.models = models
        rules = [r for r in self.config.rules if isinstance(r, LatencySpikeRule)]
        wanted: list[tuple[LatencySpikeRule, str, SeriesKey, SeriesKey]] = []
        for rule in rules:
            for model in filter(rule.watches, models):
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
        report.api_calls += self.reader.api_calls - calls_before
        report.metrics_requested += self.reader.metrics_requested - metrics_before
        return [
            latency.evaluate(rule, model, data[lat].points, data[inv].by_time(), period)
            for rule, model, lat, inv in wanted
        ]
