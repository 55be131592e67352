"""/genai-stats through the real `genai-ops serve`: moto metrics in, Slack calls out."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.app.poll.report import period_floor
from tests.support.bedrock import SPIKY, STEADY, seed_spike
from tests.support.bot_server import BotServer, eventually, running_bot
from tests.support.fake_slack import FakeSlack


def answers(slack: FakeSlack) -> list[dict[str, Any]]:
    return [c.args for c in slack.calls if c.method.startswith("/response/")]


@pytest.fixture
def traffic(cloudwatch: Any) -> None:
    end = period_floor(datetime.now(UTC), 300)
    seed_spike(cloudwatch, end, hours=2)


def test_stats_answer_privately_with_table_and_chart(
    bot_server: BotServer, slack: FakeSlack, traffic: None
) -> None:
    ack = bot_server.command("/genai-stats", "24h")

    assert ack.body == ":hourglass_flowing_sand: Gathering GenAI stats for the last 24 h…"
    [reply] = eventually(lambda: answers(slack), timeout=60)
    assert reply["response_type"] == "ephemeral"
    for block in reply["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    assert reply["blocks"][0]["text"]["text"] == "GenAI usage, last 24 h"
    shown = json.dumps(reply["blocks"])
    assert "claude-3-5-sonnet" in shown and "nova-pro-v1:0" in shown
    assert "cost from estimate from CloudWatch token metrics" in shown
    [image] = [b for b in reply["blocks"] if b["type"] == "image"]
    assert image["slack_file"] == {"id": "F1"}
    upload = [c.method for c in slack.calls if "upload" in c.method.lower()]
    assert upload == ["files.getUploadURLExternal", "upload/F1", "files.completeUploadExternal"]
    assert "channel_id" not in slack.of("files.completeUploadExternal")[0].args
    assert reply["text"].startswith("GenAI usage, last 24 h: ")


def test_stats_for_one_model_shared_with_the_channel(
    bot_server: BotServer, slack: FakeSlack, traffic: None
) -> None:
    bot_server.command("/genai-stats", "nova public 1h")

    [reply] = eventually(lambda: answers(slack), timeout=60)
    assert reply["response_type"] == "in_channel"
    table = reply["blocks"][2]["text"]["text"]
    rows = table.splitlines()
    assert len(rows) == 2 and rows[0] == "*nova-pro-v1:0*" and " calls · " in rows[1]
    assert SPIKY.model_id not in json.dumps(reply["blocks"])
    assert reply["text"].startswith("GenAI usage (nova), last hour: ")
    assert reply["blocks"][0]["text"]["text"] == "GenAI usage, last hour: nova"
    assert STEADY.model_id.split(".", 1)[1] in table


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("5d", ":warning: unknown time window `5d`; use one of `1h`, `24h`, `7d`, `30d`"),
        ("haiku sonnet", ":warning: unexpected `sonnet`: give at most one model or alias"),
        (
            "help",
            "`/genai-stats [1h|24h|7d|30d] [model or alias] [account=ID] [region=R] "
            "[by=account|region] [public]`: Bedrock usage",
        ),
    ],
)
def test_stats_usage(bot_server: BotServer, slack: FakeSlack, text: str, problem: str) -> None:
    reply = bot_server.command("/genai-stats", text)

    assert reply.json()["text"].startswith(problem)
    assert answers(slack) == []


def test_unknown_model_says_so(bot_server: BotServer, slack: FakeSlack, traffic: None) -> None:
    bot_server.command("/genai-stats", "frobnicate")

    [reply] = eventually(lambda: answers(slack), timeout=60)
    assert "No Bedrock models matching `frobnicate` published metrics" in json.dumps(reply)
    assert slack.of("files.getUploadURLExternal") == []


def test_a_burst_of_the_same_request_is_computed_once(
    bot_server: BotServer, slack: FakeSlack, traffic: None
) -> None:
    for _ in range(3):
        bot_server.command("/genai-stats", "1h")

    replies = eventually(lambda: len(answers(slack)) == 3 and answers(slack), timeout=60)
    assert len({json.dumps(reply["blocks"]) for reply in replies}) == 1
    assert len(slack.of("files.getUploadURLExternal")) == 1


def test_without_matplotlib_stats_answer_with_the_table_alone(
    aws: str, slack: FakeSlack, traffic: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An install without the ``charts`` extra (as on Lambda): the table, and no upload."""
    blocked = tmp_path / "blocked" / "matplotlib"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text('raise ImportError("matplotlib is not installed")\n')
    monkeypatch.setenv("GENAI_OPS_LATENCY_STATISTIC", "Average")  # moto has no percentiles
    path = os.pathsep.join([str(blocked.parent), os.environ.get("PYTHONPATH", "")])
    with running_bot(tmp_path, slack, "--no-poll", env={"PYTHONPATH": path}) as bot:
        bot.command("/genai-stats", "24h")
        [reply] = eventually(lambda: answers(slack), timeout=60)
    shown = json.dumps(reply["blocks"])
    assert "claude-3-5-sonnet" in shown and "nova-pro-v1:0" in shown
    assert not [b for b in reply["blocks"] if b["type"] == "image"]
    assert not [c for c in slack.calls if "upload" in c.method.lower()]
