from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from alarms.names import short_model
from bot import bootstrap
from bot.adapters.clock import SystemClock
from bot.adapters.store import open_store
from bot.app.poll.report import period_floor
from bot.config.load import load_settings
from tests.support.bedrock import SPIKY, seed_healthy, seed_spike
from tests.support.fake_slack import FakeSlack

# Near now, not a fixed date: the store (and the served bot) expire records by the real clock.
END = period_floor(datetime.now(UTC), 300)


def make_poller(cloudwatch: Any) -> Any:
    settings = load_settings(latency_statistic="Average", lookback_hours=6)
    return bootstrap.poller(
        settings, store=open_store(settings.state_url, SystemClock()), cloudwatch=cloudwatch
    )


def test_spike_alerts_once_then_resolves(cloudwatch: Any, slack: FakeSlack) -> None:
    seed_spike(cloudwatch, END)
    poller = make_poller(cloudwatch)

    first = poller.run_once(END + timedelta(seconds=30))
    second = poller.run_once(END + timedelta(minutes=1))

    posts = slack.of("chat.postMessage")
    assert len(posts) == 1, [p.args.get("text") for p in posts]
    assert posts[0].args["channel"] == "C0ALERTS"
    assert posts[0].headers["Authorization"] == "Bearer xoxb-test-token"
    assert f"Latency spike on {short_model(SPIKY.model_id)}" in posts[0].args["text"]
    assert len(first.notices) == 1 and second.notices == []

    seed_healthy(cloudwatch, END, END + timedelta(minutes=30))
    poller.run_once(END + timedelta(minutes=30, seconds=30))
    posts = slack.of("chat.postMessage")
    assert len(posts) == 2  # the resolution is a reply in the alert's thread ...
    original = slack.of("chat.postMessage")[0]
    ts = original.response["ts"]
    assert posts[1].args["thread_ts"] == ts
    resolved_line = (
        f":white_check_mark: Resolved: Latency (Average) on {short_model(SPIKY.model_id)}"
    )
    assert posts[1].args["text"].startswith(f"{resolved_line} is back")
    assert posts[1].args["reply_broadcast"] is True  # seen in the channel, not only the thread
    [edit] = slack.of("chat.update")  # ... and the original message now says it is over
    assert edit.args["ts"] == ts and edit.args["channel"] == original.args["channel"]
    assert edit.args["text"].startswith(f"Resolved: Latency spike on {short_model(SPIKY.model_id)}")


def test_slack_outage_keeps_the_alert_for_the_next_cycle(cloudwatch: Any, slack: FakeSlack) -> None:
    from tests.support.fake_slack import Failure

    seed_spike(cloudwatch, END)
    poller = make_poller(cloudwatch)
    slack.fail("chat.postMessage", Failure(status=200, error="fatal_error"))
    failed = poller.run_once(END + timedelta(seconds=30))
    assert failed.failures == ["1 notice(s) queued, retried later: Slack error: fatal_error"]
    assert len(failed.notices) == 1  # queued in the outbox: the poller's part is done
    retried = poller.run_once(END + timedelta(minutes=1))
    assert retried.failures == [] and retried.notices == []
    assert [c.args["channel"] for c in slack.of("chat.postMessage")] == ["C0ALERTS", "C0ALERTS"]
