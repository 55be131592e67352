"""Idle models cost the poller nothing: discovery asks ListMetrics for recently active series.

moto ignores ``RecentlyActive``, so the request shape is checked with botocore's Stubber,
which validates it against CloudWatch's real service model.
"""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
from botocore.stub import Stubber

from bot.adapters.aws.cloudwatch import CloudWatchReader
from bot.adapters.aws.discovery import Discovery

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def listing(*models: str) -> dict[str, object]:
    return {
        "Metrics": [
            {
                "Namespace": "AWS/Bedrock",
                "MetricName": "Invocations",
                "Dimensions": [{"Name": "ModelId", "Value": m}],
            }
            for m in models
        ]
    }


def expect_listings(stub: Stubber, recently_active: bool) -> None:
    asked = [
        ("AWS/Bedrock", "Invocations", listing(MODEL)),
        ("AWS/Bedrock", "TimeToFirstToken", {"Metrics": []}),
        ("AWS/Bedrock/Guardrails", "Invocations", {"Metrics": []}),
        ("AWS/Bedrock/Guardrails", "InvocationsIntervened", {"Metrics": []}),
    ]
    for namespace, metric, answer in asked:
        params = {"Namespace": namespace, "MetricName": metric}
        if recently_active:
            params["RecentlyActive"] = "PT3H"
        stub.add_response("list_metrics", answer, params)


def test_the_poller_lists_only_series_active_in_the_last_three_hours() -> None:
    client = boto3.client("cloudwatch", region_name="us-east-1")
    with Stubber(client) as stub:
        expect_listings(stub, recently_active=True)
        inventory = Discovery(CloudWatchReader(client), active_only=True).inventory(NOW)
        stub.assert_no_pending_responses()
    assert inventory.models == [MODEL]


def test_stats_list_every_series_of_the_last_two_weeks() -> None:
    client = boto3.client("cloudwatch", region_name="us-east-1")
    with Stubber(client) as stub:
        expect_listings(stub, recently_active=False)
        Discovery(CloudWatchReader(client)).inventory(NOW)
        stub.assert_no_pending_responses()
