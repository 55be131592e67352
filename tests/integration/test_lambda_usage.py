"""The usage function: invocation-log records pushed by a subscription filter (gzip+base64)."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from bot.adapters.clock import FixedClock, SystemClock
from bot.adapters.store import open_store
from bot.app.spend.summary import usage_summary
from bot.entrypoints import lambda_handlers
from tests.integration.test_lambda_handlers import lambda_env  # noqa: F401 (fixture)
from tests.support.bedrock import write_invocation_logs
from tests.support.fake_lambda import LambdaContext

SAMPLE = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "invocation-log-converse.json").read_text()
)
GROUP = "/aws/bedrock/modelinvocations"
pytestmark = pytest.mark.usefixtures("lambda_env")  # a fresh container, state in DynamoDB
# Hours ago rather than a fixed date: CloudWatch Logs refuses events older than 14 days.
START = (datetime.now(UTC) - timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)


def at(minutes: int) -> str:
    """A Scheduler event time ``minutes`` after START."""
    return f"{START + timedelta(minutes=minutes):%Y-%m-%dT%H:%M:%SZ}"


def records(count: int) -> list[dict[str, Any]]:
    """``count`` Converse calls a minute apart, each with its own request id."""
    return [
        {
            **SAMPLE,
            "requestId": f"req-{i:04d}",
            "timestamp": (START + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        for i in range(count)
    ]


def delivery(items: list[dict[str, Any]], kind: str = "DATA_MESSAGE") -> dict[str, Any]:
    """The Lambda event a subscription filter sends: gzip, base64, JSON (as Logs sends it)."""
    body = {
        "messageType": kind,
        "owner": "123456789012",
        "logGroup": GROUP,
        "logStream": "aws/bedrock/modelinvocations",
        "subscriptionFilters": ["genai-ops-usage"],
        "logEvents": [
            {
                "id": f"3{i:055d}",
                "timestamp": int(START.timestamp() * 1000) + i * 60_000,
                "message": json.dumps(item),
            }
            for i, item in enumerate(items)
        ],
    }
    data = base64.b64encode(gzip.compress(json.dumps(body).encode())).decode()
    return {"awslogs": {"data": data}}


def calls_and_tokens(url: str) -> tuple[int, int]:
    summary = usage_summary(open_store(url, SystemClock()), START, START + timedelta(hours=2))
    return summary.total.calls, summary.total.tokens


def test_a_delivery_is_counted_once_even_when_redelivered() -> None:
    event = delivery(records(5))
    first = lambda_handlers.usage_handler(event, LambdaContext("genai-ops-usage"))
    again = lambda_handlers.usage_handler(event, LambdaContext("genai-ops-usage"))

    assert first == {
        "log_group": GROUP,
        "events": 5,
        "records": 5,
        "malformed": 0,
        "unpriced": [],
    }
    assert again["records"] == 5  # parsed again, but the roll-ups ignore the repeat
    url = lambda_handlers._warm["settings"].state_url
    assert calls_and_tokens(url) == (5, 5 * (41 + 388))


def test_control_messages_and_garbage_change_nothing() -> None:
    control = lambda_handlers.usage_handler(delivery([], "CONTROL_MESSAGE"), LambdaContext())
    garbage = lambda_handlers.usage_handler({"awslogs": {"data": "bm90IGd6aXA="}}, LambdaContext())
    assert control["records"] == 0
    assert garbage["records"] == 0 and "gzip" in garbage["dropped"]


def test_push_mode_poller_reads_rollups_without_counting_logs_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GENAI_OPS_USAGE_SOURCE", "push")
    monkeypatch.setenv("GENAI_OPS_INVOCATION_LOG_GROUP", GROUP)
    monkeypatch.setenv("GENAI_OPS_DAILY_BUDGET_USD", "100")
    items = records(4)
    write_invocation_logs(boto3.client("logs"), GROUP, items)  # what the poller could read
    lambda_handlers.usage_handler(delivery(items), LambdaContext("genai-ops-usage"))

    polled = lambda_handlers.poll_handler({"time": at(90)}, LambdaContext("genai-ops-poller"))

    assert polled["failures"] == []
    url = lambda_handlers._warm["settings"].state_url
    assert calls_and_tokens(url) == (4, 4 * (41 + 388))


def test_poller_publishes_each_hours_cost_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENAI_OPS_USAGE_NAMESPACE", "GenAIOps/Usage")
    monkeypatch.setenv("GENAI_OPS_USAGE_SOURCE", "push")
    # the container's clock, pinned to the scheduled times below (its store expires by it)
    monkeypatch.setitem(lambda_handlers._warm, "clock", FixedClock(START + timedelta(hours=1)))
    lambda_handlers.usage_handler(delivery(records(3)), LambdaContext("genai-ops-usage"))
    url = lambda_handlers._warm["settings"].state_url
    spent = usage_summary(
        open_store(url, SystemClock()), START, START + timedelta(hours=1)
    ).total.usd
    assert spent > 0

    first = lambda_handlers.poll_handler({"time": at(90)}, LambdaContext())
    again = lambda_handlers.poll_handler({"time": at(95)}, LambdaContext())

    assert (first["cost_hours_published"], again["cost_hours_published"]) == (1, 0)
    points = boto3.client("cloudwatch").get_metric_statistics(
        Namespace="GenAIOps/Usage",
        MetricName="EstimatedCostUSD",
        Dimensions=[{"Name": "ModelId", "Value": SAMPLE["modelId"]}],
        StartTime=START - timedelta(hours=1),
        EndTime=START + timedelta(hours=3),
        Period=3600,
        Statistics=["Sum", "SampleCount"],
    )["Datapoints"]
    assert [(p["Timestamp"], p["SampleCount"]) for p in points] == [(START, 1.0)]
    assert points[0]["Sum"] == pytest.approx(float(spent))


def test_pushed_records_count_for_the_account_and_region_they_name() -> None:
    from bot.adapters.store.rollups import RollupStore

    items = records(3)
    items[1] = {**items[1], "accountId": "222233334444", "region": "us-west-2"}
    lambda_handlers.usage_handler(delivery(items), LambdaContext("genai-ops-usage"))

    url = lambda_handlers._warm["settings"].state_url
    hours = RollupStore(open_store(url, SystemClock())).hours(START, START + timedelta(hours=1))
    assert sorted((r.place, r.total.calls) for r in hours) == [
        (("111122223333", "us-east-1"), 2),
        (("222233334444", "us-west-2"), 1),
    ]
