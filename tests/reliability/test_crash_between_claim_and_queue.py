"""A poller that dies while it claims a notice and queues it in the outbox (DynamoDB in moto).

The claim and the outbox entry are one TransactWriteItems: a crash leaves both or neither, so
the restarted poller announces the alert at once instead of four hours later.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from bot import bootstrap
from bot.adapters.clock import FixedClock
from bot.adapters.store.dynamodb import DynamoStore
from bot.adapters.store.dynamodb_table import create_table
from bot.config.load import load_settings
from tests.support.fake_slack import FakeSlack
from tests.support.invocations import invocation, put_records

GROUP = "/aws/bedrock/modelinvocations"
DAY = (datetime.now(UTC) - timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)
SONNET = "anthropic.claude-3-5-sonnet-20241022-v2:0"


class Crash(BaseException):
    """The process dying mid-write: nothing of ours catches it."""


def crash_on_outbox_write(params: dict[str, Any], **_: Any) -> None:
    items = [params.get("Item", {})] + [t["Put"]["Item"] for t in params.get("TransactItems", [])]
    if any(item.get("kind") == {"S": "outbox"} for item in items):
        raise Crash


def test_a_crash_while_queueing_loses_no_notice(aws: str, slack: FakeSlack, tmp_path: Path) -> None:
    logs = boto3.client("logs", endpoint_url=aws, region_name="us-east-1")
    bedrock = boto3.client("bedrock", endpoint_url=aws, region_name="us-east-1")
    bedrock.put_model_invocation_logging_configuration(
        loggingConfig={
            "cloudWatchConfig": {"logGroupName": GROUP, "roleArn": "arn:aws:iam::1:role/logs"},
            "textDataDeliveryEnabled": True,
        }
    )
    put_records(
        logs,
        GROUP,
        [
            invocation(DAY + timedelta(minutes=n), f"r{n}", SONNET, input_tokens=1_000_000)
            for n in range(4)
        ],
    )
    config = tmp_path / "bot.toml"
    config.write_text('[[budgets]]\nname = "all"\nperiod = "daily"\namount_usd = 10\n')
    settings = load_settings(str(config), latency_statistic="Average")
    create_table(boto3.client("dynamodb", endpoint_url=aws, region_name="us-east-1"), "state")
    now = DAY + timedelta(hours=1)

    dying = boto3.client("dynamodb", endpoint_url=aws, region_name="us-east-1")
    dying.meta.events.register("before-parameter-build.dynamodb.*", crash_on_outbox_write)
    store = DynamoStore("state", FixedClock(now), client=dying)
    with pytest.raises(Crash):
        bootstrap.poller(settings, store=store, logs=logs, bedrock=bedrock).run_once(now)
    assert not slack.of("chat.postMessage")

    healthy = boto3.client("dynamodb", endpoint_url=aws, region_name="us-east-1")
    store = DynamoStore("state", FixedClock(now), client=healthy)
    later = now + timedelta(minutes=5)
    bootstrap.poller(settings, store=store, logs=logs, bedrock=bedrock).run_once(later)
    texts = [call.args["text"] for call in slack.of("chat.postMessage")]
    assert [t for t in texts if "Budget all crossed 100%: $12.00 of $10.00" in t], texts
