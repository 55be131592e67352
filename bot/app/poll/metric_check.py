"""The CloudWatch metric rules as one poll check: one batched read, then pure evaluation.

Each cycle reads the whole ``lookback`` window (24 h by default) ending at the last complete
period, so every window overlaps the previous one: a datapoint CloudWatch published late is
picked up by the next cycle, and judging the same data twice gives the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from alarms.model import Evaluation
from alarms.rules import Rule
from bot.adapters.aws.cloudwatch import CloudWatchReader
from bot.adapters.aws.discovery import DEFAULT_TTL, Discovery
from bot.app.poll.metric_plans import plans
from bot.app.poll.report import CycleReport, period_floor


@dataclass(frozen=True)
class MetricConfig:
    rules: tuple[Rule, ...]
    latency_statistic: str
    period_seconds: int
    lookback: timedelta
    discovery_ttl: timedelta = DEFAULT_TTL


class MetricRulesCheck:
    """Discovers models and guardrails (cached), reads every series in one batch, evaluates."""

    name = "metrics"

    def __init__(
        self, config: MetricConfig, reader: CloudWatchReader, discovery: Discovery | None = None
    ) -> None:
        self.config = config
        self.reader = reader
        self.discovery = discovery or Discovery(reader, config.discovery_ttl, active_only=True)

    def evaluate(self, now: datetime, report: CycleReport) -> list[Evaluation]:
        calls_before, metrics_before = self.reader.api_calls, self.reader.metrics_requested
        period = self.config.period_seconds
        end = period_floor(now, period)
        start = end - self.config.lookback
        try:
            inventory = self.discovery.inventory(now)
            report.models = inventory.models
            report.guardrails = [f"{g.arn}:{g.version}" for g in inventory.guardrails]
            wanted = plans(self.config.rules, inventory, self.config.latency_statistic, period)
            keys = list(dict.fromkeys(key for plan in wanted for key in plan.keys))
            data = self.reader.fetch(keys, start, end, period)
        finally:
            report.api_calls += self.reader.api_calls - calls_before
            report.metrics_requested += self.reader.metrics_requested - metrics_before
        return [plan.judge(data) for plan in wanted]
