"""Every alert kind in every state against its golden Block Kit JSON (tests/golden/messages),
valid for slack_sdk's models, and read as a person reads it: the figure with its unit, the
severity, and the links, in the message itself (not the notification text).

Regenerate after a deliberate design change: ``UPDATE_GOLDEN=1 pytest <this file>``,
then look at the diff and the rendered PNGs before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.slack.gallery import KINDS, STATES, STYLE, scenario
from tests.support.slack_text import header, urls, validate, visible

GOLDEN = Path(__file__).parent.parent / "golden" / "messages"
FIGURES = {
    "latency_spike": ["4,100 ms", "usual 1,000 ms", "Latency (p90)"],
    "error_rate": ["15.2%", "38 of 250", "Server errors"],
    "throttle_rate": ["24.5%", "196 of 800", "Throttled calls"],
    "guardrail_surge": ["18%", "usually 2.1%", "Guardrail interventions"],
    "feedback_drop": ["58.3%", "7 of 12", "Negative feedback"],
    "budget_threshold": ["80%", "$15.41", "of $19.00"],
    "budget_forecast": ["$25.10", "$19.00", "$12.00 spent so far"],
    "budget_burn_rate": ["$2.40/h", "$7.00 left", "runs out in about 2.9 h"],
    "unpriced_model": ["12 calls", "cannot be priced", 'price_overrides."mistral'],
    "quota_saturation": ["92%", "369,600", "400,000", "reaches the quota in 4 min"],
    "cache_waste": ["$36.84", "$41.38", "0.11x", "the last 24 h"],
    "budget_rolling": ["$62.10", "$50.00", "$18.40/h"],
}
SEVERITY = {"error_rate": "Critical"}
CONSOLE = {
    "latency_spike": ["Open in CloudWatch"],
    "error_rate": ["Open in CloudWatch"],
    "throttle_rate": ["Open in CloudWatch"],
    "guardrail_surge": ["Open in CloudWatch", "Guardrail in Bedrock"],
    "budget_threshold": ["Cost Explorer"],
    "budget_forecast": ["Cost Explorer"],
    "budget_burn_rate": ["Cost Explorer"],
}
CASES = [(kind, state) for kind in KINDS for state in STATES]


def golden(kind: str, state: str) -> list[dict[str, Any]]:
    path = GOLDEN / f"{kind}-{state}.json"
    made = scenario(kind, state)
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.write_text(json.dumps(made, indent=2, ensure_ascii=False) + "\n")
    stored: list[dict[str, Any]] = json.loads(path.read_text())
    assert made == stored, f"{path.name} differs: rerun with UPDATE_GOLDEN=1 and review"
    return stored


@pytest.mark.parametrize(("kind", "state"), CASES)
def test_every_kind_and_state_matches_its_golden_json_and_is_valid_block_kit(
    kind: str, state: str
) -> None:
    for message in golden(kind, state):
        validate(message)
        assert "fingerprint" not in visible(message)
        assert " %" not in visible(message)


@pytest.mark.parametrize("kind", KINDS)
def test_the_firing_message_says_the_figure_unit_and_severity_in_its_body(kind: str) -> None:
    (message,) = golden(kind, "firing")
    seen = visible(message)
    for words in FIGURES[kind]:
        assert words in seen, (kind, words)
    severity = SEVERITY.get(kind, "Warning")
    assert header(message).split(" ")[1] == f"{severity}:"
    assert "Invocation" not in seen  # metric names in words, never CloudWatch's


@pytest.mark.parametrize("kind", KINDS)
def test_principal_arns_never_show_an_emoji_code(kind: str) -> None:
    """``arn:aws:sts::...`` in plain mrkdwn shows ``:aws:`` as an emoji: titles name the
    caller by the ARN's resource part, bodies set ARNs in inline code."""
    for state in STATES:
        for message in golden(kind, state):
            if message["blocks"][0]["type"] == "header":
                assert ":aws:" not in header(message), (kind, state)
            for text in visible(message).split("`")[::2]:  # outside inline code
                assert "arn:aws:" not in text, (kind, state)


def test_the_quota_warning_links_the_increase_request_in_its_console() -> None:
    (message,) = golden("quota_saturation", "firing")
    assert (
        "<https://us-east-1.console.aws.amazon.com/servicequotas/home/services/bedrock/quotas/"
        "L-79E773B3|Service Quotas: request an increase>" in visible(message)
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_alert_links_its_console_and_its_runbook(kind: str) -> None:
    (message,) = golden(kind, "firing")
    links = urls(message)
    assert links["Runbook"].startswith(STYLE.docs_url + "#")
    for label in CONSOLE.get(kind, []):
        assert links[label].startswith("https://us-east-1.console.aws.amazon.com/"), label


def test_the_cloudwatch_link_opens_the_rules_statistic_period_and_time_range() -> None:
    (message,) = golden("latency_spike", "firing")
    url = urls(message)["Open in CloudWatch"]
    assert "~stat~'p90~period~300~" in url
    assert "~start~'2026-03-10T10*3a35*3a00Z~end~'2026-03-10T14*3a00*3a00Z" in url
    assert "~'InvocationLatency~'ModelId~'anthropic.claude-3-haiku-20240307-v1*3a0" in url


def test_a_critical_alert_mentions_the_on_call_group_and_is_red() -> None:
    (message,) = golden("error_rate", "firing")
    assert "<!subteam^S0ONCALL1>" in visible(message)
    assert message["attachments"][0]["color"] == "#E01E5A"
    (snoozed,) = golden("error_rate", "snoozed")
    assert "subteam" not in visible(snoozed)  # a snoozed alert calls nobody


@pytest.mark.parametrize("kind", ["latency_spike", "error_rate", "guardrail_surge"])
def test_the_resolved_edit_and_reply_say_peak_now_and_how_long(kind: str) -> None:
    edited, reply = golden(kind, "resolved")
    assert header(edited).startswith(":white_check_mark: Resolved:")
    assert edited["attachments"][0]["color"] == "#2EB67D"
    said = visible(edited)
    assert "back to" in said and "peak" in said and "after 1h 5m" in said
    assert "Acknowledge" not in said and "Snooze" not in said
    assert reply["thread_ts"] == edited["ts"] and reply["reply_broadcast"] is True
    assert "fired for 1h 5m" in visible(reply) and "peak" in visible(reply)


@pytest.mark.parametrize(
    ("state", "says"), [("snoozed", "Snoozed by"), ("silenced", "silenced by")]
)
def test_snoozed_and_silenced_alerts_say_so_and_offer_unsilence(state: str, says: str) -> None:
    (message,) = golden("latency_spike", state)
    assert says in visible(message)
    assert f"({state})" in header(message)
    assert message["attachments"][0]["color"] == "#9E9EA6"
    buttons = [e for b in message["attachments"][0]["blocks"] for e in b.get("elements", [])]
    unsilence = [e for e in buttons if e.get("action_id") == "alert_unsilence"]
    assert [e["value"] for e in unsilence] == [f"s-{state}"]


def test_a_group_names_the_metric_on_every_row_with_one_set_of_buttons_per_model() -> None:
    (message,) = golden("latency_spike", "grouped")
    assert header(message) == ":warning: Warning: Latency spike on 2 models"
    seen = visible(message)
    assert "*Time to first token (p90)* 2,300 ms" in seen
    assert "*Latency (p90)* 4,100 ms" in seen
    blocks = message["attachments"][0]["blocks"]
    actions = [b for b in blocks if b["type"] == "actions"]
    assert len(actions) == 2  # two models, two sets of buttons
    ack = next(e for e in actions[0]["elements"] if e["action_id"] == "alert_ack")
    assert len(ack["value"].split(",")) == 2  # one click acknowledges both metrics
