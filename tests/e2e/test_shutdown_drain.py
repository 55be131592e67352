"""SIGTERM while an ask is in flight: ``genai-ops serve`` stops taking requests, lets the
ask finish and post its answer, then exits cleanly."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from tests.support.bot_server import running_bot
from tests.support.fake_bedrock import FakeBedrock, Reply
from tests.support.fake_slack import FakeSlack

NOVA = "amazon.nova-lite-v1:0"
HAIKU = "anthropic.claude-3-5-haiku-20241022-v1:0"


def test_asks_in_flight_at_sigterm_are_answered_before_exit(
    bedrock: FakeBedrock, slack: FakeSlack, aws: str, tmp_path: Path
) -> None:
    bedrock.default = Reply(text="Finished after the signal.", delay_seconds=2.0)
    env = {"GENAI_OPS_ASK_DEFAULT_MODEL": NOVA}
    with running_bot(tmp_path, slack, "--no-poll", env=env) as bot:
        assert "Asking" in bot.command("/genai-ask", "first").body
        assert "Asking" in bot.command("/genai-ask", f"compare {NOVA},{HAIKU} second").body
        started = time.monotonic()
        bot.process.send_signal(signal.SIGTERM)  # at once: the asks have not reached Bedrock
        assert bot.process.wait(timeout=30) == 0
        waited = time.monotonic() - started
        posted = [str(call.args.get("text")) for call in slack.of("chat.postMessage")]
        logs = bot.logs()
    assert len(bedrock.calls) == 3
    assert len(posted) == 4, posted  # one answer; a compare summary and its two answers
    assert "Traceback" not in logs and "cannot schedule new futures" not in logs
    assert "ask failed" not in logs
    assert waited < 15
