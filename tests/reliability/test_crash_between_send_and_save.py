"""A poller killed after Slack got an alert but before it recorded the delivery.

The design leans to at-least-once: every notice is in the outbox before it is sent and leaves
it only after Slack confirmed it, so such a crash costs at most one duplicate message and never
a lost alert. The restarted process takes over the dead one's delivery lease at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from alarms.names import short_model
from bot.app.poll.report import period_floor
from tests.e2e.test_cli import genai_ops
from tests.support.bedrock import SPIKY, seed_spike
from tests.support.bot_server import genai_ops_exe
from tests.support.fake_slack import FakeSlack, SlackCall


def test_kill_between_send_and_save_costs_one_duplicate_at_most(
    cloudwatch: Any, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GENAI_OPS_LATENCY_STATISTIC", "Average")
    monkeypatch.setenv("GENAI_OPS_LOOKBACK_HOURS", "6")
    seed_spike(cloudwatch, period_floor(datetime.now(UTC), 300) - timedelta(minutes=30))

    with (tmp_path / "poll.log").open("wb") as log:
        victim = subprocess.Popen(
            [genai_ops_exe(), "poll", "--once"], stdout=log, stderr=log, env=dict(os.environ)
        )

    def kill_the_sender(call: SlackCall) -> None:
        if call.method == "chat.postMessage":
            os.kill(victim.pid, signal.SIGKILL)

    slack.on_call = kill_the_sender
    assert victim.wait(timeout=120) == -signal.SIGKILL
    slack.on_call = None
    assert len(slack.of("chat.postMessage")) == 1  # Slack got it; the bot never heard back

    restarted = genai_ops("poll", "--once")
    assert restarted.returncode == 0, restarted.stderr
    posts = slack.of("chat.postMessage")
    assert len(posts) == 2, "the unconfirmed notice is delivered again after the restart"
    assert all(short_model(SPIKY.model_id) in post.args["text"] for post in posts)

    again = genai_ops("poll", "--once")
    assert again.returncode == 0, again.stderr
    assert len(slack.of("chat.postMessage")) == 2, "no further duplicates"
