"""`genai-ops setup-logging`, `check-config` and `spend`, run as a user runs them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from tests.e2e.test_cli import genai_ops
from tests.support.invocations import invocation, put_records

GROUP = "/aws/bedrock/invocations"
ROLE = "arn:aws:iam::123456789012:role/bedrock-logging"


def test_setup_logging_then_check_config_and_spend(aws: str, monkeypatch: Any) -> None:
    monkeypatch.setenv("GENAI_OPS_DAILY_BUDGET_USD", "50")
    before = genai_ops("check-config")
    assert before.returncode == 0, before.stderr
    assert "[off] invocation logs: Bedrock model-invocation logging is off" in before.stdout
    assert "setup-logging" in before.stdout
    assert "budgets (UTC): daily all spend $50" in before.stdout

    done = genai_ops("setup-logging", "--log-group", GROUP, "--role-arn", ROLE)
    assert done.returncode == 0, done.stderr
    config = boto3.client("bedrock", endpoint_url=aws).get_model_invocation_logging_configuration()
    assert config["loggingConfig"]["cloudWatchConfig"]["logGroupName"] == GROUP
    assert config["loggingConfig"]["textDataDeliveryEnabled"] is True
    assert config["loggingConfig"]["imageDataDeliveryEnabled"] is False
    refused = genai_ops("setup-logging", "--log-group", "/other", "--role-arn", ROLE)
    assert refused.returncode == 1 and "--replace" in refused.stdout

    after = genai_ops("check-config")
    assert f"[on ] invocation logs: {GROUP} (from bedrock)" in after.stdout

    now = datetime.now(UTC)
    logs = boto3.client("logs", endpoint_url=aws)
    put_records(
        logs,
        GROUP,
        [
            invocation(
                now - timedelta(minutes=20), "a", "amazon.nova-lite-v1:0", input_tokens=10**6
            ),
            invocation(
                now - timedelta(minutes=10), "b", "mistral.mistral-large-2407-v1:0", input_tokens=10
            ),
        ],
    )
    polled = genai_ops("poll", "--once")
    assert polled.returncode == 0, polled.stderr
    spend = genai_ops("spend", "--hours", "2")
    assert spend.returncode == 0, spend.stderr
    lines = spend.stdout.splitlines()
    assert [line for line in lines if line.startswith("nova-lite-v1:0") and "$0.06" in line]
    assert "(unpriced) mistral.mistral-large-2407-v1:0: add a [price_overrides] entry" in lines
    # $0.06 today, or $0.00 just after midnight UTC (the calls were yesterday's)
    assert [x for x in lines if x.startswith("budget daily all spend: $0.0") and "of $50.00" in x]
