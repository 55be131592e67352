"""The whole life of an alert in Slack: real poll cycles on moto, a real click on the served app.

Posted, repeated, acknowledged, resolved: one message whose final state is right, and a
thread that tells the story in order.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from alarms.names import short_model
from bot import bootstrap
from bot.adapters.clock import SystemClock
from bot.adapters.store import open_store
from bot.app.poll.report import period_floor
from bot.config.load import load_settings
from tests.support.bedrock import SPIKY, seed_healthy, seed_spike
from tests.support.bot_server import BotServer, eventually
from tests.support.fake_slack import FakeSlack
from tests.support.signing import block_action
from tests.support.slack_text import all_blocks

# Near now, not a fixed date: the store (and the served bot) expire records by the real clock.
END = period_floor(datetime.now(UTC), 300)


def test_posted_repeated_acknowledged_resolved(
    bot_server: BotServer, cloudwatch: Any, slack: FakeSlack
) -> None:
    settings = load_settings(
        latency_statistic="Average",
        lookback_hours=6,
        rules=[{"kind": "latency_spike", "repeat_interval_minutes": 5}],
    )
    poller = bootstrap.poller(
        settings, store=open_store(settings.state_url, SystemClock()), cloudwatch=cloudwatch
    )
    seed_spike(cloudwatch, END)

    poller.run_once(END + timedelta(seconds=30))  # fires
    poller.run_once(END + timedelta(minutes=6))  # still firing 5+ min later: a repeat
    [post] = slack.of("chat.postMessage")[:1]
    ts = post.response["ts"]
    [actions] = [b for b in all_blocks(post.args) if b["type"] == "actions"]
    fingerprint = actions["elements"][0]["value"]

    bot_server.action(block_action("alert_ack", value=fingerprint, message_ts=ts))
    eventually(lambda: len(slack.of("chat.postMessage")) == 3)
    quiet = poller.run_once(END + timedelta(minutes=12))  # acknowledged: no more repeats
    seed_healthy(cloudwatch, END, END + timedelta(minutes=30))
    poller.run_once(END + timedelta(minutes=30, seconds=30))  # resolves

    top = [c for c in slack.of("chat.postMessage") if "thread_ts" not in c.args]
    assert len(top) == 1 and top[0].args["text"].startswith(
        f"Warning: Latency spike on {short_model(SPIKY.model_id)}"
    )
    story = [c.args["text"] for c in slack.of("chat.postMessage") if c.args.get("thread_ts") == ts]
    assert [line.split(" ")[0] for line in story] == [":repeat:", ":eyes:", ":white_check_mark:"]
    assert story[1] == (
        ":eyes: Acknowledged by <@U1>: no more repeats; the resolution will be posted."
    )
    assert story[2].startswith(
        f":white_check_mark: Resolved: Latency (Average) on {short_model(SPIKY.model_id)} is back"
    )
    assert "fired for 50m" in story[2] and "peak" in story[2]
    assert quiet.notices == []
    final = slack.of("chat.update")[-1].args
    assert final["ts"] == ts
    assert final["blocks"][0]["text"]["text"].startswith(":white_check_mark: Resolved: Latency")
    shown = json.dumps(final)
    assert "Acknowledged by <@U1>" in shown and '"alert_snooze"' not in shown
