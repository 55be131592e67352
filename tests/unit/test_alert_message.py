"""Alert messages: valid Block Kit, what and how bad first, Slack's limits kept (and said)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from alarms.model import Alert, AlertState, Severity
from alarms.names import short_model
from bot.adapters.slack.alert_message import alert_message
from bot.adapters.slack.trend import sparkline
from tests.support.series import T0

NOW = T0 + timedelta(minutes=25)
BASE = Alert(
    fingerprint="abc123",
    rule="latency_spike",
    labels={"model": "anthropic.claude-3-haiku-20240307-v1:0"},
    state=AlertState.FIRING,
    severity=Severity.WARNING,
    value=4100,
    threshold=1800,
    baseline=1000,
    unit="ms",
    summary="InvocationLatency 4,100 ms (4.1x usual)",
    details={"metric": "InvocationLatency", "invocations": "212", "trend": "1000,1100,980,4100"},
    started_at=T0,
    updated_at=NOW,
)


def variant(**changes: Any) -> Alert:
    return BASE.model_copy(update=changes)


def validate(blocks: list[dict[str, Any]]) -> None:
    assert len(blocks) <= 50
    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        element["action_id"]
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def body(blocks: list[dict[str, Any]]) -> str:
    return " ".join(str(block) for block in blocks)


@pytest.mark.parametrize(
    ("case", "alert", "header", "says", "actions"),
    [
        (
            "firing",
            BASE,
            ":warning: Latency spike: claude-3-haiku-20240307-v1:0",
            ["*4,100 ms*", "usually *1,000 ms* (4.1x)", "212 invocations", "▁▁▁█", "(25m)"],
            ["alert_ack", "alert_snooze", "alert_silence_model", "open_link:cloudwatch_metric"],
        ),
        (
            "acknowledged",
            variant(acknowledged_by="U7", acknowledged_at=NOW),
            ":warning: Latency spike: claude-3-haiku-20240307-v1:0",
            ["acknowledged by <@U7>"],
            ["alert_snooze", "alert_silence_model", "open_link:cloudwatch_metric"],
        ),
        (
            "silenced",
            variant(silenced_by="s1", severity=Severity.CRITICAL),
            ":rotating_light: Latency spike: claude-3-haiku-20240307-v1:0",
            ["silenced (no repeats)"],
            ["alert_ack", "alert_snooze", "alert_silence_model", "open_link:cloudwatch_metric"],
        ),
        (
            "resolved",
            variant(state=AlertState.RESOLVED, resolved_at=T0 + timedelta(hours=1, minutes=5)),
            ":white_check_mark: Resolved: Latency spike: claude-3-haiku-20240307-v1:0",
            ["*Resolved*", "after 1h 5m"],
            ["open_link:cloudwatch_metric"],
        ),
    ],
)
def test_single_alert(
    case: str, alert: Alert, header: str, says: list[str], actions: list[str]
) -> None:
    text, blocks = alert_message([alert], "eu-west-1", NOW)

    validate(blocks)
    assert blocks[0]["text"]["text"] == header, case
    for words in says:
        assert words in body(blocks), (case, words)
    assert action_ids(blocks) == actions, case
    assert "anthropic.claude-3-haiku-20240307-v1:0" in text
    assert "eu-west-1.console.aws.amazon.com/cloudwatch" in body(blocks)


def test_group_lists_each_model_worst_first_with_its_own_buttons() -> None:
    group = [
        variant(fingerprint=f"fp{i}", labels={"model": f"model-{i}"}, value=1000 + 1000 * i)
        for i in range(3)
    ]
    text, blocks = alert_message(group, "us-east-1", NOW)

    validate(blocks)
    assert blocks[0]["text"]["text"] == ":warning: Latency spike on 3 models"
    assert text == "Latency spike on 3 models: model-0, model-1, model-2"
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert [s.split("*")[1] for s in sections] == ["model-2", "model-1", "model-0"]
    block_ids = [b["block_id"] for b in blocks if b["type"] == "actions"]
    assert block_ids == ["alert:fp2", "alert:fp1", "alert:fp0"]


def test_a_huge_group_stays_within_50_blocks_and_says_what_it_left_out() -> None:
    group = [variant(fingerprint=f"fp{i}", labels={"model": f"m{i}"}) for i in range(30)]
    _, blocks = alert_message(group, "us-east-1", NOW)

    validate(blocks)
    assert "…and 10 more not shown here" in body(blocks)


def test_long_texts_are_clipped_and_marked() -> None:
    long = variant(labels={"model": "x" * 400}, details={"metric": "y" * 5000})
    _, blocks = alert_message([long], "us-east-1", NOW)

    validate(blocks)
    assert len(blocks[0]["text"]["text"]) <= 150
    assert blocks[0]["text"]["text"].endswith("(truncated)")
    assert blocks[1]["text"]["text"].endswith("(truncated)")


@pytest.mark.parametrize(
    ("model", "short"),
    [
        ("anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku-20240307-v1:0"),
        ("us.anthropic.claude-3-5-sonnet-20240620-v1:0", "claude-3-5-sonnet-20240620-v1:0"),
        ("arn:aws:bedrock:us-east-1:1:application-inference-profile/a1b2", "a1b2"),
        ("custom-model", "custom-model"),
    ],
)
def test_short_model(model: str, short: str) -> None:
    assert short_model(model) == short


@pytest.mark.parametrize(
    ("values", "line"),
    [
        ("1,2,3,4,5,6,7,8", "▁▂▃▄▅▆▇█"),
        ("5,5,5", "▄▄▄"),
        ("1,x,8", "▁ █"),
        ("", ""),
        ([0.0, 10.0], "▁█"),
    ],
)
def test_sparkline(values: Any, line: str) -> None:
    assert sparkline(values) == line
