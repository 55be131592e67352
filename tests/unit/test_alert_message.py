"""Alert messages: valid Block Kit, what and how bad first, Slack's limits kept (and said)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from alarms.model import Alert, AlertState, Severity
from alarms.names import short_model
from bot.adapters.slack.alert_message import alert_message
from bot.adapters.slack.style import MessageStyle
from bot.adapters.slack.trend import sparkline
from tests.support.series import T0
from tests.support.slack_text import action_ids, urls, validate, visible
from tests.support.slack_text import header as header_of

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


STYLE = MessageStyle(region="eu-west-1")


def render(alerts: list[Alert], region: str = "eu-west-1") -> dict[str, Any]:
    message = alert_message(alerts, MessageStyle(region=region), NOW).args()
    validate(message)
    return message


def section_texts(message: dict[str, Any]) -> list[str]:
    blocks = message["attachments"][0]["blocks"]
    return [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]


@pytest.mark.parametrize(
    ("case", "alert", "header", "says", "actions"),
    [
        (
            "firing",
            BASE,
            ":warning: Warning: Latency spike on claude-3-haiku-20240307-v1:0",
            ["*4,100 ms*", "4.1x its usual 1,000 ms", "*Calls, last 5 min*\n212", "▁▁▁█", "25m"],
            [
                "alert_ack",
                "alert_snooze",
                "alert_silence_model",
                "open_link:open_in_cloudwatch",
                "open_link:runbook",
            ],
        ),
        (
            "acknowledged",
            variant(acknowledged_by="U7", acknowledged_at=NOW),
            ":warning: Warning: Latency spike on claude-3-haiku-20240307-v1:0",
            ["Acknowledged by <@U7>"],
            [
                "alert_snooze",
                "alert_silence_model",
                "open_link:open_in_cloudwatch",
                "open_link:runbook",
            ],
        ),
        (
            "silenced",
            variant(silenced_by="s1", severity=Severity.CRITICAL),
            ":rotating_light: Critical (silenced): Latency spike on claude-3-haiku-20240307-v1:0",
            ["Silenced: no repeats"],
            ["alert_ack", "alert_unsilence", "open_link:open_in_cloudwatch", "open_link:runbook"],
        ),
        (
            "resolved",
            variant(state=AlertState.RESOLVED, resolved_at=T0 + timedelta(hours=1, minutes=5)),
            ":white_check_mark: Resolved: Latency spike on claude-3-haiku-20240307-v1:0",
            ["Resolved", "after 1h 5m", "is back to *4,100 ms*"],
            ["open_link:open_in_cloudwatch", "open_link:runbook"],
        ),
    ],
)
def test_single_alert(
    case: str, alert: Alert, header: str, says: list[str], actions: list[str]
) -> None:
    message = render([alert])

    assert header_of(message) == header, case
    for words in says:
        assert words in visible(message), (case, words)
    assert action_ids(message) == actions, case
    assert "fingerprint" not in visible(message) and "abc123" not in visible(message)
    assert "eu-west-1.console.aws.amazon.com/cloudwatch" in str(urls(message))


def test_group_lists_each_model_worst_first_with_its_own_buttons() -> None:
    group = [
        variant(fingerprint=f"fp{i}", labels={"model": f"model-{i}"}, value=1000 + 1000 * i)
        for i in range(3)
    ]
    message = render(group, "us-east-1")

    assert header_of(message) == ":warning: Warning: Latency spike on 3 models"
    assert message["text"].startswith(
        "Warning: Latency spike on 3 models. Latency (p90) on model-2"
    )
    sections = section_texts(message)
    assert [s.split("*")[3] for s in sections] == ["model-2", "model-1", "model-0"]
    blocks = message["attachments"][0]["blocks"]
    block_ids = [b["block_id"] for b in blocks if b["type"] == "actions"]
    assert block_ids == ["alert:fp2", "alert:fp1", "alert:fp0"]


def test_two_metrics_of_one_model_are_one_subject_and_count_as_one_model() -> None:
    ttft = variant(
        fingerprint="fp-ttft",
        labels={**BASE.labels, "metric": "TimeToFirstToken"},
        details={**BASE.details, "metric": "TimeToFirstToken"},
        value=900.0,
        baseline=300.0,
    )
    other = variant(fingerprint="fp-other", labels={"model": "amazon.nova-pro-v1:0"})
    message = render([BASE, ttft, other])

    assert header_of(message) == ":warning: Warning: Latency spike on 2 models"
    seen = visible(message)
    assert "*Latency (p90)* 4,100 ms" in seen and "*Time to first token (p90)* 900 ms" in seen
    assert action_ids(message).count("alert_silence_model") == 2  # one per model, not per alert


def test_a_huge_group_stays_within_50_blocks_and_says_what_it_left_out() -> None:
    group = [variant(fingerprint=f"fp{i}", labels={"model": f"m{i}"}) for i in range(30)]
    message = render(group, "us-east-1")

    assert "…and 22 more not shown here" in visible(message)


def test_long_texts_are_clipped_and_marked() -> None:
    long = variant(labels={"model": "x" * 400}, details={"metric": "y" * 5000})
    message = render([long], "us-east-1")

    assert len(header_of(message)) <= 150
    assert header_of(message).endswith("(truncated)")
    assert section_texts(message)[0].endswith("(truncated)")


def test_text_from_aws_is_escaped_so_it_mentions_no_one_and_forges_no_link() -> None:
    hostile = "<!channel> <@U999> <https://evil.example|docs>"
    alerts = [
        variant(labels={"model": hostile}),
        variant(
            rule="budget_threshold",
            fingerprint="b1",
            labels={"budget": hostile, "period": "2026-03-10", "threshold": "80"},
            unit="USD",
            details={
                "top principals": f"{hostile} $1.00 (100%)",
                "top tags": f"team={hostile}",
                "scope": f"tag team={hostile}",
                "amount_usd": "10",
            },
        ),
        variant(
            rule="guardrail_surge",
            fingerprint="g1",
            labels={
                "guardrail": f"arn:aws:bedrock:us-east-1:1:guardrail/{hostile}",
                "version": "1",
            },
            unit="%",
        ),
        variant(
            rule="unpriced_model",
            fingerprint="u1",
            labels={"model": hostile},
            unit="calls",
            details={
                "how to fix": f'no price for {hostile}: add [price_overrides."{hostile}"] '
                "input_per_mtok = ..."
            },
        ),
    ]
    for alert in alerts:
        message = render([alert])
        assert message["blocks"][0]["text"]["type"] == "plain_text"  # Slack parses nothing there
        shown = visible(message).split("\n", 1)[1] + message["text"]
        assert "<!channel>" not in shown and "<@U999>" not in shown, alert.rule
        assert "<https://evil.example" not in shown, alert.rule
        assert "&gt;" in shown, alert.rule  # escaped, shown as typed


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


@pytest.mark.parametrize(
    ("details", "says", "not_said"),
    [
        ({"usual_for": "usual for Monday 14:00"}, "*Usual*\nMonday 14:00: 1,000 ms", "new normal"),
        ({"usual_for": "usual"}, "*Usual*\n1,000 ms", "median of"),
        (
            {"usual_for": "usual", "new_normal_since": "2026-11-20T09:40:00+00:00"},
            "new normal since 09:40 UTC",
            "median of",
        ),
        ({}, "median of 5 min periods", "usual:"),  # a rule without the streaming baseline
    ],
)
def test_the_alert_says_what_usual_means(details: dict[str, str], says: str, not_said: str) -> None:
    alert = variant(details={**BASE.details, "period_seconds": "300", **details})
    shown = visible(render([alert]))
    assert says in shown and not_said not in shown
    assert "Usual*\nusual" not in shown  # the field's title is not repeated in its value
