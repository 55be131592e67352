"""What one poll cycle did, and the arithmetic of what polling costs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from alarms.lifecycle import Notice
from alarms.model import Evaluation

# CloudWatch bills GetMetricData per metric requested: USD 0.01 per 1,000.
USD_PER_METRIC_REQUESTED = 0.01 / 1000


@dataclass
class CycleReport:
    started_at: datetime
    models: list[str] = field(default_factory=list)
    guardrails: list[str] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    notices: list[tuple[Notice, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    metrics_requested: int = 0
    api_calls: int = 0
    datapoints_requested: int = 0  # periods asked of GetMetricData, over every query
    targets: list[str] = field(default_factory=list)  # target regions read, e.g. "prod us-west-2"
    target_failures: dict[str, str] = field(default_factory=dict)  # target region -> why


def period_floor(moment: datetime, period_seconds: int) -> datetime:
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % period_seconds, tz=moment.tzinfo)


def calls_per_cycle(series: int, max_queries: int = 500) -> int:
    """GetMetricData calls one region needs for ``series`` queries (500 per call)."""
    return -(-series // max_queries)


def monthly_cost_usd(metrics_per_cycle: int, interval_seconds: int) -> float:
    cycles_per_month = 30 * 86_400 / interval_seconds
    return metrics_per_cycle * cycles_per_month * USD_PER_METRIC_REQUESTED
