"""Poll cost and speed for 10, 100 and 500 models, beside the naive and the alarms ways.

Each fleet is seeded into a fresh moto server (5-minute StatisticValues, 1 hour). One real
poll cycle runs against it; then the naive way (one GetMetricStatistics call per series) reads
the same series. Wall times are moto's, not AWS's: the API-call and cost ratios are the point.
"""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config

from bot import bootstrap
from bot.adapters.clock import SystemClock
from bot.adapters.store.sqlite import SqliteStore
from bot.app.poll.report import USD_PER_METRIC_REQUESTED, monthly_cost_usd, period_floor
from bot.config.load import load_settings
from bot.entrypoints.demo.embedded_aws import embedded_aws
from bot.entrypoints.demo.seed import ModelProfile, seed_fleet

FLEETS = (10, 100, 500)
INTERVAL = 300
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
USD_PER_REQUEST = 0.01 / 1000  # GetMetricStatistics, per request
HOURS = 1


def fleet(size: int) -> list[ModelProfile]:
    return [
        ModelProfile(f"vendor.model-{i:03d}-v1:0", 40 + i % 50, 800 + 7 * i) for i in range(size)
    ]


def naive_read(
    cloudwatch: Any,
    models: list[str],
    metrics: list[tuple[str, str]],
    start: datetime,
    end: datetime,
) -> int:
    calls = 0
    for model in models:
        for metric, stat in metrics:
            cloudwatch.get_metric_statistics(
                Namespace="AWS/Bedrock",
                MetricName=metric,
                Period=300,
                StartTime=start,
                EndTime=end,
                Statistics=[stat],
                Dimensions=[{"Name": "ModelId", "Value": model}],
            )
            calls += 1
    return calls


def measure(size: int, tmp: str) -> list[tuple[str, str, str]]:
    end = period_floor(datetime.now(UTC), 300)
    with embedded_aws() as endpoint:
        # moto scans every datapoint for every query: give big fleets time to answer.
        patient = Config(read_timeout=1800, retries={"max_attempts": 1})
        cloudwatch = boto3.client("cloudwatch", endpoint_url=endpoint, config=patient)
        seed_fleet(cloudwatch, end, fleet(size), hours=HOURS)
        settings = load_settings(latency_statistic="Average", lookback_hours=HOURS)
        store = SqliteStore(f"{tmp}/bench-{size}.db", SystemClock())
        poller = bootstrap.poller(
            settings,
            store=store,
            cloudwatch=cloudwatch,
            sink=bootstrap.TerminalNotifier(io.StringIO()),
        )
        started = time.perf_counter()
        report = poller.run_once(end + timedelta(seconds=30))
        ours_s = time.perf_counter() - started
        series = report.metrics_requested
        per_model = max(1, series // max(1, len(report.models)))
        metrics = [
            ("InvocationLatency", "Average"),
            ("Invocations", "Sum"),
            ("InvocationThrottles", "Sum"),
            ("InvocationServerErrors", "Sum"),
            ("InvocationClientErrors", "Sum"),
        ][:per_model]
        started = time.perf_counter()
        naive_calls = naive_read(
            cloudwatch, report.models, metrics, end - timedelta(hours=HOURS), end
        )
        naive_s = time.perf_counter() - started
        store.close()
    cycles = 30 * 86_400 / INTERVAL
    ours_usd = monthly_cost_usd(series, INTERVAL)
    naive_usd = naive_calls * cycles * USD_PER_REQUEST
    alarms_usd = USD_PER_ALARM_METRIC_MONTH * sum(
        ALARM_METRICS.get(e.rule, 0) for e in report.evaluations
    )
    label = f"poll {size} models"
    return [
        (
            f"{label}: API calls per cycle (ours / naive)",
            f"{report.api_calls} / {naive_calls}",
            f"x{naive_calls / max(report.api_calls, 1):.0f} fewer",
        ),
        (f"{label}: metrics requested per cycle", f"{series}", "metrics"),
        (f"{label}: cycle wall time (ours / naive, moto)", f"{ours_s:.2f} / {naive_s:.2f}", "s"),
        (
            f"{label}: USD per month at 5 min (ours / naive / alarms)",
            f"{ours_usd:,.2f} / {naive_usd:,.2f} / {alarms_usd:,.2f}",
            "USD",
        ),
    ]


def run() -> list[tuple[str, str, str]]:
    import tempfile

    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in FLEETS:
            rows += measure(size, tmp)
    rows.append(
        ("GetMetricData price per metric requested", f"{USD_PER_METRIC_REQUESTED:.6f}", "USD")
    )
    return rows
