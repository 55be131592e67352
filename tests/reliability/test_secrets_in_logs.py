"""Even at DEBUG, no token, signing secret, prompt or answer text reaches the bot's logs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.bot_server import eventually, running_bot
from tests.support.fake_bedrock import FakeBedrock, Reply
from tests.support.fake_slack import FakeSlack
from tests.support.signing import FORM, SIGNING_SECRET, command_body, reaction_event

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
PROMPT = "zebra-quartz-prompt what is our refund policy for order 4411?"
ANSWER = "ocelot-basalt-answer Refunds take five days."
APP_TOKEN = "xapp-1-A0-1234-abcdefabcdef"


def test_debug_logs_hold_no_secrets_or_conversation_text(
    bedrock: FakeBedrock,
    slack: FakeSlack,
    aws: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cloudwatch: Any,
) -> None:
    monkeypatch.setenv("GENAI_OPS_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("GENAI_OPS_ASK_DEFAULT_MODEL", MODEL)
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    bedrock.reply(MODEL, Reply(text=ANSWER))
    with running_bot(tmp_path, slack, "--no-poll") as bot:
        assert bot.command("/genai-ask", PROMPT, channel_id="C0GENAI01").status == 200
        posted = eventually(lambda: [c for c in slack.of("chat.postMessage") if c.response])
        ts = posted[0].response["ts"]
        bot.event(reaction_event("+1", channel="C0GENAI01", ts=ts), event_id="EvS1")
        bot.command("/genai-stats", "7d nonsense-word " + PROMPT)
        forged = command_body("/genai-ask", PROMPT, response_url=bot.response_url)
        assert bot.post(forged, FORM, secret="wrong", timestamp=int(time.time())).status == 401
        eventually(
            lambda: (
                "PositiveFeedback"
                in str(cloudwatch.list_metrics(Namespace="GenAIOps/Feedback")["Metrics"])
            )
        )
        logs = bot.logs()
    assert '"level": "DEBUG"' in logs or '"level": "INFO"' in logs  # the logs were written
    for secret in (
        "xoxb-test-token",
        SIGNING_SECRET,
        APP_TOKEN,
        "zebra-quartz",
        "ocelot-basalt",
        "refund policy",
        "Refunds take",
    ):
        assert secret not in logs, f"{secret!r} leaked into the logs"
