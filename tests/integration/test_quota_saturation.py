"""Quota saturation through the real poller: ``EstimatedTPMQuotaUsage`` in moto's CloudWatch,
the tokens-per-minute quota from Service Quotas (a botocore Stubber: moto has no Bedrock
quotas), the alert in the fake Slack before any call is throttled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from botocore.stub import Stubber

from bot import bootstrap
from bot.adapters.clock import SystemClock
from bot.adapters.store import open_store
from bot.adapters.store.alerts import AlertStore
from bot.config.load import load_settings
from tests.support.fake_slack import FakeSlack
from tests.support.slack_text import visible

SONNET = "anthropic.claude-3-5-sonnet-20241022-v2:0"
START = (datetime.now(UTC) - timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
PERIOD = timedelta(minutes=5)
QUOTA = 200_000  # tokens per minute
QUOTAS = [  # as Service Quotas lists them: the bot must pick the on-demand Sonnet 3.5 V2 one
    (
        "L-A1B2C3D4",
        "On-demand model inference tokens per minute for Anthropic Claude 3.5 Sonnet V2",
        QUOTA,
    ),
    (
        "L-E5F6A7B8",
        "Cross-region model inference tokens per minute for Anthropic Claude 3.5 Sonnet V2",
        400_000,
    ),
    (
        "L-C9D0E1F2",
        "On-demand model inference tokens per minute for Anthropic Claude 3.5 Sonnet",
        400_000,
    ),
    (
        "L-0A1B2C3D",
        "On-demand model inference requests per minute for Anthropic Claude 3.5 Sonnet V2",
        50,
    ),
]


def quotas_client() -> tuple[Any, Stubber]:
    client = boto3.client("service-quotas", region_name="us-east-1")
    stubber = Stubber(client)
    page = {
        "Quotas": [
            {"ServiceCode": "bedrock", "QuotaCode": code, "QuotaName": name, "Value": value}
            for code, name, value in QUOTAS
        ]
    }
    stubber.add_response("list_service_quotas", page, {"ServiceCode": "bedrock"})
    stubber.activate()
    return client, stubber


def put_usage(cloudwatch: Any, shares: list[float]) -> None:
    """One period each: ``EstimatedTPMQuotaUsage`` as a share of the quota, and no throttles."""
    minutes = PERIOD.total_seconds() / 60
    data = []
    for i, share in enumerate(shares):
        at = START + PERIOD * i
        dims = [{"Name": "ModelId", "Value": SONNET}]
        data.append(
            {
                "MetricName": "EstimatedTPMQuotaUsage",
                "Dimensions": dims,
                "Timestamp": at,
                "Value": share * QUOTA * minutes,
                "Unit": "Count",
            }
        )
        data.append(
            {
                "MetricName": "InvocationThrottles",
                "Dimensions": dims,
                "Timestamp": at,
                "Value": 0.0,
                "Unit": "Count",
            }
        )
    cloudwatch.put_metric_data(Namespace="AWS/Bedrock", MetricData=data)


def test_rising_quota_use_fires_before_any_throttle_and_links_the_increase_page(
    aws: str, slack: FakeSlack, tmp_path: Path
) -> None:
    cloudwatch = boto3.client("cloudwatch", endpoint_url=aws, region_name="us-east-1")
    quotas, stubber = quotas_client()
    settings = load_settings(None, latency_statistic="Average")
    store = open_store(settings.state_url, SystemClock())
    poller = bootstrap.poller(settings, store=store, cloudwatch=cloudwatch, quotas=quotas)
    shares = [0.30, 0.30, 0.31, 0.30, 0.36, 0.44, 0.52, 0.60, 0.68, 0.76, 0.84, 0.92]
    put_usage(cloudwatch, shares)

    fired_at = None
    for i in range(4, len(shares)):
        poller.run_once(START + PERIOD * (i + 1) + timedelta(seconds=30))
        if any("Quota saturation" in p.args["text"] for p in slack.of("chat.postMessage")):
            fired_at = i
            break
    assert fired_at is not None, "never fired"
    assert shares[fired_at] < 0.8  # the trend, not the level, raised it: before throttling
    stubber.assert_no_pending_responses()  # the quotas were read once and cached

    [post] = [p for p in slack.of("chat.postMessage") if "Quota saturation" in p.args["text"]]
    shown = visible(post.args)
    assert f"uses {shares[fired_at]:.0%} of its tokens-per-minute quota" in shown
    assert "reaches the quota in " in shown
    assert "On-demand model inference tokens per minute for Anthropic Claude 3.5 Sonnet V2" in shown
    link = "https://us-east-1.console.aws.amazon.com/servicequotas/home/services/bedrock/quotas/L-A1B2C3D4"
    assert link in str(post.args)
    assert "Quota saturation on claude-3-5-sonnet-20241022-v2:0" in post.args["text"]
    [alert] = [a for a in AlertStore(store).active() if a.rule == "quota_saturation"]
    assert alert.labels == {"model": SONNET}
    assert "least-squares line" in alert.details["trend"]
