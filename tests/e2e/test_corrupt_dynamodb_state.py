"""A corrupt item in a real DynamoDB state table (moto), met as a user meets it: check-config
names it and exits 1; the poll sets it aside with one line naming it, keeps every other
document, and the stored alert is neither lost nor announced again."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from alarms.names import short_model
from bot.app.poll.report import period_floor
from tests.e2e.test_cli import genai_ops
from tests.support.bedrock import SPIKY, seed_spike
from tests.support.fake_slack import FakeSlack

TABLE = "genai-ops-corrupt"
CORRUPT = {
    "truncated": {"body": {"S": '{"fingerprint": "x", '}, "version": {"N": "1"}},
    "a list": {"body": {"S": "[1, 2]"}, "version": {"N": "3"}},
    "no body": {"version": {"N": "1"}},
    "body a number": {"body": {"N": "7"}, "version": {"N": "1"}},
    "version a word": {"body": {"S": "{}"}, "version": {"S": "one"}},
}


def items(client: Any, kind: str) -> list[dict[str, Any]]:
    answer = client.query(
        TableName=TABLE,
        KeyConditionExpression="#k = :k",
        ExpressionAttributeNames={"#k": "kind"},
        ExpressionAttributeValues={":k": {"S": kind}},
    )
    return list(answer["Items"])


def test_a_corrupt_item_is_set_aside_and_the_rest_of_the_state_kept(
    cloudwatch: Any, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENAI_OPS_STATE_URL", f"dynamodb://{TABLE}")
    monkeypatch.setenv("GENAI_OPS_LATENCY_STATISTIC", "Average")
    monkeypatch.setenv("GENAI_OPS_LOOKBACK_HOURS", "6")
    seed_spike(cloudwatch, period_floor(datetime.now(UTC), 300) - timedelta(minutes=30))
    assert genai_ops("create-table").returncode == 0
    assert genai_ops("poll", "--once").returncode == 0
    [post] = slack.of("chat.postMessage")  # the spike is announced and its alert stored
    assert short_model(SPIKY.model_id) in post.args["text"]
    assert genai_ops("check-config").returncode == 0

    client = boto3.client("dynamodb", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    stored = len(items(client, "alert"))
    for key, attributes in CORRUPT.items():
        client.put_item(
            TableName=TABLE, Item={"kind": {"S": "alert"}, "key": {"S": key}, **attributes}
        )

    check = genai_ops("check-config")
    assert check.returncode == 1
    lines = [line for line in check.stderr.splitlines() if line.startswith("genai-ops")]
    assert len(lines) == 1 and "Traceback" not in check.stderr
    assert f"DynamoDB table {TABLE}: 5 state item(s) cannot be read" in lines[0]
    assert "alert/truncated: not valid JSON" in lines[0] and "alert/no body" in lines[0]
    assert '{"fingerprint"' not in check.stderr  # the content never reaches the output

    again = genai_ops("poll", "--once")
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    set_aside = [line for line in again.stderr.splitlines() if "set aside" in line]
    assert len(set_aside) == len(CORRUPT)
    assert all(any(f'"key": "{key}"' in line for line in set_aside) for key in CORRUPT)
    assert len(slack.of("chat.postMessage")) == 1  # the stored alert is intact: no re-announce
    assert len(items(client, "alert")) == stored
    aside = items(client, "set_aside")
    assert sorted(a["item"]["M"]["key"]["S"] for a in aside) == sorted(CORRUPT)
    kept = {a["item"]["M"]["key"]["S"]: a["item"]["M"] for a in aside}
    assert kept["truncated"]["body"] == CORRUPT["truncated"]["body"]  # kept as it was
    assert genai_ops("check-config").returncode == 0  # set aside: the table is clean again
