"""A CloudWatch cross-account observability monitoring account: the bot lists the linked
source accounts, reads each one's series (GetMetricData ``AccountId``) and labels each
alert with the account it came from. moto has no linked accounts, so CloudWatch is stubbed
at the wire with botocore's Stubber, which checks every request against the real model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.stub import ANY, Stubber

from bot import bootstrap
from bot.adapters.aws.targets import target_regions
from bot.adapters.clock import FixedClock
from bot.adapters.store import open_store
from bot.app.poll.report import CycleReport
from bot.app.poll.target_checks import TargetChecks, TargetScope
from bot.config.load import load_settings
from bot.config.targets import AwsTarget

NOW = datetime(2026, 6, 1, 12, 0, 30, tzinfo=UTC)
END = NOW.replace(second=0)
SOURCES = ("111111111111", "444455556666")
MODEL = "amazon.nova-pro-v1:0"
RULES = [{"kind": "error_rate"}] + [
    {"kind": kind, "enabled": False}
    for kind in (
        "latency_spike",
        "feedback_drop",
        "throttle_rate",
        "guardrail_surge",
        "quota_saturation",
        "cache_waste",
    )
]
METRICS = ("Invocations", "InvocationThrottles", "InvocationServerErrors")


def listing(
    namespace: str, metric: str, account: str, found: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    params = {
        "Namespace": namespace,
        "MetricName": metric,
        "RecentlyActive": "PT3H",
        "IncludeLinkedAccounts": True,
        "OwningAccount": account,
    }
    dims = [{"Name": "ModelId", "Value": MODEL}]
    metrics = [{"Namespace": namespace, "MetricName": metric, "Dimensions": dims}] if found else []
    return {"Metrics": metrics, "OwningAccounts": [account] * len(metrics)}, params


def series(errors: float) -> dict[str, Any]:
    """GetMetricData's answer: 100 calls a period for 3 h, ``errors`` of them failing."""
    times = [END - timedelta(minutes=5 * i) for i in range(36, 0, -1)]
    values = {"Invocations": 100.0, "InvocationThrottles": 0.0, "InvocationServerErrors": errors}
    return {
        "MetricDataResults": [
            {
                "Id": f"q{i}",
                "Label": m,
                "Timestamps": times,
                "Values": [values[m]] * len(times),
                "StatusCode": "Complete",
            }
            for i, m in enumerate(METRICS)
        ]
    }


def queries(account: str) -> list[dict[str, Any]]:
    return [
        {
            "AccountId": account,
            "Id": f"q{i}",
            "ReturnData": True,
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/Bedrock",
                    "MetricName": m,
                    "Dimensions": [{"Name": "ModelId", "Value": MODEL}],
                },
                "Period": 300,
                "Stat": "Sum",
            },
        }
        for i, m in enumerate(METRICS)
    ]


def stubbed_cloudwatch() -> tuple[Any, Stubber]:
    client = boto3.client("cloudwatch", region_name="us-east-1")
    stub = Stubber(client)
    stub.add_response(
        "list_metrics",
        {
            "Metrics": [
                {
                    "Namespace": "AWS/Bedrock",
                    "MetricName": "Invocations",
                    "Dimensions": [{"Name": "ModelId", "Value": MODEL}],
                }
            ]
            * 2,
            "OwningAccounts": list(SOURCES),
        },
        {
            "Namespace": "AWS/Bedrock",
            "MetricName": "Invocations",
            "IncludeLinkedAccounts": True,
            "RecentlyActive": "PT3H",
        },
    )
    for account, errors in zip(SOURCES, (40.0, 0.0), strict=True):
        for namespace, metric, found in (
            ("AWS/Bedrock", "Invocations", True),
            ("AWS/Bedrock", "TimeToFirstToken", False),
            ("AWS/Bedrock/Guardrails", "Invocations", False),
            ("AWS/Bedrock/Guardrails", "InvocationsIntervened", False),
        ):
            stub.add_response("list_metrics", *listing(namespace, metric, account, found))
        stub.add_response(
            "get_metric_data",
            series(errors),
            {
                "MetricDataQueries": queries(account),
                "StartTime": ANY,
                "EndTime": END,
                "ScanBy": "TimestampAscending",
            },
        )
    stub.activate()
    return client, stub


def test_linked_source_accounts_are_read_by_account_and_alerts_say_which(aws: str) -> None:
    settings = load_settings(rules=RULES)
    store = open_store(settings.state_url, FixedClock(NOW))
    (target,) = target_regions(
        (
            AwsTarget(
                name="org", account_id="999988887777", linked_accounts=True, regions=("us-east-1",)
            ),
        )
    )
    client, stub = stubbed_cloudwatch()
    check = bootstrap.linked_check(settings, store, target, cloudwatch=client)
    scope = TargetScope(
        "org us-east-1",
        lambda: {"account": "999988887777", "region": "us-east-1", "target": "org"},
        [check],
    )
    report = CycleReport(started_at=NOW)

    found = TargetChecks([scope]).evaluate(NOW, report)

    stub.assert_no_pending_responses()  # every request had the linked-account shape
    assert report.failures == []
    judged = {e.labels["account"]: e for e in found}
    assert set(judged) == set(SOURCES)
    assert judged[SOURCES[0]].firing and not judged[SOURCES[1]].firing
    assert judged[SOURCES[0]].labels == {
        "model": MODEL,
        "account": SOURCES[0],
        "region": "us-east-1",
        "target": "org",
    }
    assert report.metrics_requested == 6 and report.models == [MODEL, MODEL]
