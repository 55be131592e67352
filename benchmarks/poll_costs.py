"""What the naive way and CloudWatch alarms would cost for the same poll, in USD per month."""

from __future__ import annotations

from bot.app.poll.report import CycleReport

INTERVAL = 300
USD_PER_REQUEST = 0.01 / 1000  # GetMetricStatistics, per request
USD_PER_ALARM_METRIC_MONTH = 0.10  # standard resolution, per metric in an alarm
# The cheapest CloudWatch alarm doing each rule's job, in billed metrics: an anomaly-detection
# band counts 3 metrics; a metric-math ratio alarm counts each metric it reads.
ALARM_METRICS = {
    "latency_spike": 3,
    "error_rate": 4,
    "throttle_rate": 2,
    "guardrail_surge": 6,
    "feedback_drop": 2,
}


def naive_usd(calls_per_cycle: int) -> float:
    return calls_per_cycle * (30 * 86_400 / INTERVAL) * USD_PER_REQUEST


def alarms_usd(report: CycleReport) -> float:
    return USD_PER_ALARM_METRIC_MONTH * sum(
        ALARM_METRICS.get(e.rule, 0) for e in report.evaluations
    )
