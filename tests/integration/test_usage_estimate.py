"""Invocation logging off: spend estimated from CloudWatch token metrics, and said so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import boto3

from bot import bootstrap
from bot.adapters.clock import SystemClock
from bot.adapters.store import open_store
from bot.app.spend.report import spend_lines
from bot.app.spend.summary import ESTIMATE
from bot.config.load import load_settings

NOVA = "amazon.nova-lite-v1:0"
HOUR = (datetime.now(UTC) - timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)


def put_tokens(cloudwatch: Any, at: datetime, calls: int, tokens_in: int, tokens_out: int) -> None:
    dims = [{"Name": "ModelId", "Value": NOVA}]
    cloudwatch.put_metric_data(
        Namespace="AWS/Bedrock",
        MetricData=[
            {"MetricName": name, "Dimensions": dims, "Timestamp": at, "Value": float(value)}
            for name, value in (
                ("Invocations", calls),
                ("InputTokenCount", tokens_in),
                ("OutputTokenCount", tokens_out),
            )
        ],
    )


def test_estimate_from_metrics_when_logging_is_off(cloudwatch: Any, aws: str) -> None:
    put_tokens(cloudwatch, HOUR + timedelta(minutes=5), 10, 600_000, 50_000)
    put_tokens(cloudwatch, HOUR + timedelta(minutes=35), 5, 400_000, 50_000)
    bedrock = boto3.client("bedrock", endpoint_url=aws, region_name="us-east-1")
    settings = load_settings(daily_budget_usd="0.05", latency_statistic="Average")
    store = open_store(settings.state_url, SystemClock())

    report = bootstrap.spend_report(
        settings, store, HOUR, HOUR + timedelta(hours=2), cloudwatch=cloudwatch, bedrock=bedrock
    )
    assert report.estimated and not report.logging.on
    [(model, tally)] = report.summary.models
    assert (model, tally.calls, tally.input, tally.output) == (NOVA, 15, 10**6, 10**5)
    assert tally.usd == Decimal("0.06") + Decimal("0.024")  # $0.06/M in, $0.24/M out
    lines = spend_lines(report)
    assert f"source: {ESTIMATE}" in lines
    assert any("setup-logging" in line for line in lines)


def test_budget_alert_from_an_estimate_says_so(cloudwatch: Any, aws: str) -> None:
    now = HOUR + timedelta(minutes=50)  # same hour, so the same day, whatever the clock says
    put_tokens(cloudwatch, HOUR + timedelta(minutes=10), 10, 10**6, 10**5)
    bedrock = boto3.client("bedrock", endpoint_url=aws, region_name="us-east-1")
    settings = load_settings(daily_budget_usd="0.05", latency_statistic="Average")
    sink = bootstrap.TerminalNotifier(__import__("io").StringIO())
    poller = bootstrap.poller(
        settings,
        store=open_store(settings.state_url, SystemClock()),
        cloudwatch=cloudwatch,
        sink=sink,
        bedrock=bedrock,
        logs=boto3.client("logs", endpoint_url=aws, region_name="us-east-1"),
    )
    report = poller.run_once(now)
    budget = [e for e in report.evaluations if e.rule == "budget_threshold"]
    assert budget and budget[0].labels["threshold"] == "100"
    assert ESTIMATE in budget[0].summary and budget[0].details["source"] == ESTIMATE
