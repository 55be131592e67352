"""Outbox delivery on the real SQLite store against the fake Slack Web API.

Notices go in through the poller's contract (``notify(alert, notice)`` then ``flush(now)``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot import bootstrap
from bot.adapters.clock import FixedClock
from bot.adapters.store import open_store
from bot.adapters.store.outbox import Outbox
from bot.app.deliver.notifier import OutboxNotifier
from bot.config.load import load_settings
from tests.support.alerting import Alerting, T
from tests.support.fake_slack import Failure, FakeSlack
from tests.support.slack_text import all_blocks, validate, visible

POLL = timedelta(minutes=5)
Harness = Alerting


@pytest.fixture
def harness(slack: FakeSlack) -> Harness:
    return Harness(open_store(load_settings().state_url, FixedClock(T)))


def top_level(slack: FakeSlack) -> list[Any]:
    return [c for c in slack.of("chat.postMessage") if "thread_ts" not in c.args]


def replies(slack: FakeSlack) -> list[Any]:
    return [c for c in slack.of("chat.postMessage") if "thread_ts" in c.args]


def test_alerts_of_one_rule_in_one_cycle_share_one_message(
    harness: Harness, slack: FakeSlack
) -> None:
    for model in ("amazon.nova-pro-v1:0", "anthropic.claude-3-haiku", "meta.llama3-70b"):
        harness.fire(model, T)
    harness.fire("amazon.nova-pro-v1:0", T, rule="error_rate")

    assert harness.notifier.flush(T) == []

    posts = top_level(slack)
    assert len(posts) == 2
    grouped = posts[0].args
    assert grouped["text"].startswith("Warning: Latency spike on 3 models. ")
    validate(grouped)
    shown = visible(grouped)
    assert all(m in shown for m in ("nova-pro", "claude-3-haiku", "llama3-70b"))
    assert posts[1].args["text"].startswith("Warning: Server errors on nova-pro-v1:0")
    assert Outbox(harness.store).pending() == []


def test_repeat_and_resolve_go_to_the_thread_and_edit_the_original(
    harness: Harness, slack: FakeSlack
) -> None:
    alert = harness.fire("amazon.nova-pro-v1:0", T)
    harness.notifier.flush(T)
    harness.repeat(alert, T + timedelta(hours=4))
    harness.notifier.flush(T + timedelta(hours=4))
    harness.resolve(alert, T + timedelta(hours=5, minutes=10))
    harness.notifier.flush(T + timedelta(hours=5, minutes=10))

    [post] = top_level(slack)
    ts = post.response["ts"]
    assert post.args["text"].startswith("Warning: Latency spike on nova-pro-v1:0")
    thread = [c.args["text"] for c in replies(slack)]
    assert [c.args["thread_ts"] for c in replies(slack)] == [ts, ts]
    assert thread[0].startswith(":repeat: Still firing after 4h 0m: Latency (p90) on nova-pro-v1:0")
    assert "7,000 ms" in thread[0]
    assert thread[1].startswith(":white_check_mark: Resolved: Latency (p90) on nova-pro-v1:0 is")
    assert thread[1].endswith("(fired for 5h 10m).")
    # the resolution is seen in the channel too; a repeat stays in the thread
    assert [c.args["reply_broadcast"] for c in replies(slack)] == [False, True]
    final = slack.of("chat.update")[-1].args
    assert final["ts"] == ts and final["text"].startswith("Resolved: Latency spike")
    assert ":white_check_mark: Resolved: Latency spike" in final["blocks"][0]["text"]["text"]
    assert not any(b["type"] == "actions" and _has_ack(b) for b in all_blocks(final))


def _has_ack(block: dict[str, Any]) -> bool:
    return any(e.get("action_id") == "alert_ack" for e in block["elements"])


def test_slack_down_for_several_polls_then_back_delivers_each_once_in_order(
    harness: Harness, slack: FakeSlack
) -> None:
    slack.fail("chat.postMessage", Failure(status=503, error="service_unavailable", times=4))
    first = harness.fire("model-a", T)
    harness.fire("model-b", T + POLL, rule="error_rate")
    harness.resolve(first, T + 2 * POLL)
    problems = []
    for cycle in range(4):
        problems.append(harness.notifier.flush(T + cycle * POLL))
    assert all(p and "queued, retried later" in p[0] for p in problems)

    assert harness.notifier.flush(T + 4 * POLL) == []

    accepted = [c for c in slack.of("chat.postMessage")][4:]
    assert [c.args["text"][:25] for c in accepted] == [
        "Resolved: Latency spike o",  # model-a's message, posted late, shows the truth ...
        "Warning: Server errors on",
        ":white_check_mark: Resolv",  # ... and its thread says when it ended
    ]
    assert accepted[2].args["thread_ts"] == accepted[0].response["ts"]
    assert Outbox(harness.store).pending() == []
    assert harness.notifier.flush(T + 5 * POLL) == []
    assert len(slack.of("chat.postMessage")) == 7  # nothing sent twice


def test_rate_limit_waits_for_retry_after(harness: Harness, slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", Failure(status=429, error="ratelimited", retry_after=120))
    harness.fire("model-a", T)

    assert "rate limited" in harness.notifier.flush(T)[0]
    assert "rate limited" in harness.notifier.flush(T + timedelta(seconds=60))[0]
    assert len(slack.of("chat.postMessage")) == 1  # no call before Retry-After is over
    assert harness.notifier.flush(T + timedelta(seconds=121)) == []
    assert len(top_level(slack)) == 2


def test_a_permanent_refusal_is_set_aside_and_later_notices_still_go(
    harness: Harness, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    slack.fail("chat.postMessage", Failure(error="channel_not_found"))
    harness.fire("model-a", T)
    harness.fire("model-b", T + POLL, rule="error_rate")

    problems = harness.notifier.flush(T + POLL)

    assert problems == ["Slack refused a notice for good: channel_not_found"]
    [dead] = Outbox(harness.store).dead()
    assert (dead.fingerprint, dead.last_error) == ("fp-latency_spike-model-a", "channel_not_found")
    assert top_level(slack)[-1].args["text"].startswith("Warning: Server errors on model-b")
    assert "channel_not_found" in caplog.text


def test_unreachable_slack_keeps_the_notice(harness: Harness, slack: FakeSlack) -> None:
    settings = load_settings(slack_api_url="http://127.0.0.1:9/api/")
    unreachable = bootstrap.notifier(settings, harness.store)
    assert isinstance(unreachable, OutboxNotifier)
    harness.fire("model-a", T)

    [problem] = unreachable.flush(T)

    assert "Slack unreachable" in problem
    [entry] = Outbox(harness.store).pending()
    assert entry.attempts == 1 and entry.not_before == (T + timedelta(seconds=30)).isoformat()
    assert harness.notifier.flush(T + timedelta(seconds=30)) == []
    assert len(top_level(slack)) == 1


def test_one_deliverer_at_a_time(harness: Harness, slack: FakeSlack) -> None:
    harness.fire("model-a", T)
    outbox = Outbox(harness.store)
    assert outbox.lock(T, "other-process")

    report = harness.notifier.delivery.flush(T)

    assert report.problem == "another process is delivering" and slack.of("chat.postMessage") == []
    outbox.unlock()
    assert harness.notifier.delivery.flush(T).delivered == 1


def test_check_config_reports_refusals_and_waiting_notices(
    harness: Harness, slack: FakeSlack
) -> None:
    import io

    from bot.entrypoints.cli.check_config import check_config

    slack.fail("chat.postMessage", Failure(error="not_in_channel"))
    harness.fire("model-a", T)
    harness.notifier.flush(T)
    slack.fail("chat.postMessage", Failure(status=500, error="internal_error"))
    harness.fire("model-b", T + POLL, rule="error_rate")
    harness.notifier.flush(T + POLL)
    out = io.StringIO()

    assert check_config(load_settings(), out, FixedClock(T)) == 0

    report = out.getvalue()
    assert (
        "outbox: 1 alert notice(s) waiting for Slack (last error: Slack error: internal_error)"
        in report
    )
    assert (
        "problem: Slack refused 1 alert notice(s) in the last 7 days: not_in_channel: "
        "invite the bot to the alert channel" in report
    )
