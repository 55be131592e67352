"""The CLI with its state in DynamoDB: create the table, poll, and a clear error without it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from alarms.names import short_model
from bot.app.poll.report import period_floor
from tests.e2e.test_cli import genai_ops
from tests.support.bedrock import SPIKY, seed_spike
from tests.support.fake_slack import FakeSlack


def test_poll_keeps_alert_state_in_dynamodb(
    cloudwatch: Any, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENAI_OPS_STATE_URL", "dynamodb://genai-ops-e2e")
    monkeypatch.setenv("GENAI_OPS_LATENCY_STATISTIC", "Average")
    monkeypatch.setenv("GENAI_OPS_LOOKBACK_HOURS", "4")
    seed_spike(cloudwatch, period_floor(datetime.now(UTC), 300) - timedelta(minutes=30), hours=4)

    created, again = genai_ops("create-table"), genai_ops("create-table")
    assert created.returncode == 0 and "created" in created.stdout, created.stderr
    assert again.returncode == 0 and "already exists" in again.stdout, again.stderr
    for _ in range(2):
        polled = genai_ops("poll", "--once")
        assert polled.returncode == 0, polled.stderr
    posts = slack.of("chat.postMessage")
    assert len(posts) == 1 and short_model(SPIKY.model_id) in posts[0].args["text"]


def test_missing_table_is_explained(cloudwatch: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENAI_OPS_STATE_URL", "dynamodb://not-created")
    monkeypatch.setenv("GENAI_OPS_LATENCY_STATISTIC", "Average")
    monkeypatch.setenv("GENAI_OPS_LOOKBACK_HOURS", "4")
    seed_spike(cloudwatch, period_floor(datetime.now(UTC), 300) - timedelta(minutes=30), hours=4)
    result = genai_ops("poll", "--once")
    assert result.returncode == 1
    assert "table 'not-created' does not exist" in result.stderr
    assert "genai-ops create-table" in result.stderr
    assert "Traceback" not in result.stderr


def test_create_table_on_the_sqlite_state_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("GENAI_OPS_STATE_URL", f"sqlite:///{tmp_path}/state.db")
    result = genai_ops("create-table")
    assert result.returncode == 2
    assert result.stderr.startswith("genai-ops create-table: set GENAI_OPS_STATE_URL=dynamodb://")
