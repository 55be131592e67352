"""Budgets through the real poller: invocation logs in moto, alerts to the fake Slack.

A day of spend: steady chat traffic, then a batch job runs away. Thresholds, the forecast and
the burn-rate alert each fire exactly once, naming the batch job; the next day starts clean.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot import bootstrap
from bot.adapters.clock import SystemClock
from bot.adapters.store import open_store
from bot.config.load import load_settings
from tests.support.fake_slack import FakeSlack
from tests.support.invocations import invocation, logging_to, put_records
from tests.support.slack_text import header, visible

GROUP = "/aws/bedrock/modelinvocations"
DAY = (datetime.now(UTC) - timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)
SONNET = "anthropic.claude-3-5-sonnet-20241022-v2:0"


def chat(hour: int) -> dict[str, Any]:  # $3.00: 1M input tokens
    return invocation(
        DAY + timedelta(hours=hour, minutes=1),
        f"chat-{hour}",
        SONNET,
        "chat",
        {"team": "support"},
        input_tokens=1_000_000,
    )


def batch(hour: int, n: int) -> dict[str, Any]:  # $6.00: 10M cache reads + 200k output
    return invocation(
        DAY + timedelta(hours=hour, minutes=10 + n),
        f"batch-{hour}-{n}",
        f"us.{SONNET}",
        "batch-summarizer",
        {"team": "research"},
        cache_read=10_000_000,
        output_tokens=200_000,
    )


def test_budget_alerts_fire_once_each_and_name_the_spender(
    aws: str, slack: FakeSlack, tmp_path: Path
) -> None:
    logs, bedrock = logging_to(aws, GROUP)
    config = tmp_path / "bot.toml"
    config.write_text('[[budgets]]\nname = "all"\nperiod = "daily"\namount_usd = 100\n')
    settings = load_settings(str(config), latency_statistic="Average")
    store = open_store(settings.state_url, SystemClock())
    poller = bootstrap.poller(settings, store=store, logs=logs, bedrock=bedrock)

    def texts() -> list[str]:
        return [call.args["text"] for call in slack.of("chat.postMessage")]

    put_records(logs, GROUP, [chat(h) for h in range(9)])
    put_records(
        logs,
        GROUP,
        [
            invocation(
                DAY + timedelta(hours=3),
                "odd",
                "mistral.mistral-large-2407-v1:0",
                "dev-ana",
                input_tokens=500,
            )
        ],
    )
    poller.run_once(DAY + timedelta(hours=9, minutes=5))  # $27: quiet
    assert len(texts()) == 1 and texts()[0].startswith(
        "Warning: Unpriced model on mistral-large-2407-v1:0. 1 call to mistral-large-2407-v1:0"
    )
    unpriced = visible(slack.of("chat.postMessage")[0].args)
    assert '[price_overrides."mistral.mistral-large-2407-v1:0"]\ninput_per_mtok = ...' in unpriced

    put_records(logs, GROUP, [chat(9)] + [batch(9, n) for n in range(4)] + [chat(10)])
    poller.run_once(DAY + timedelta(hours=10, minutes=5))  # $57
    poller.run_once(DAY + timedelta(hours=10, minutes=10))  # nothing new to say
    fired = texts()[1:]
    assert len(fired) == 3, fired
    [threshold] = [t for t in fired if ": $57.00 of $" in t and " crossed " in t]
    [forecast] = [t for t in fired if "Budget forecast on " in t]
    [burn] = [t for t in fired if "Spend burn rate on " in t]
    shown = {
        t: visible(c.args) for t, c in zip(fired, slack.of("chat.postMessage")[1:4], strict=True)
    }
    # over the day so far chat leads; in the last hour the batch job does
    assert "*Top principals*\n• chat $33.00 (58%)\n• batch-summarizer $24.00" in shown[threshold]
    assert "*Top principals*\n• chat $33.00 (58%)" in shown[forecast]
    assert "*Top principals*\n• batch-summarizer $24.00 (80%)" in shown[burn]
    assert "*Top tags*\n• team=research $24.00 (80%)\n• team=support $6.00" in shown[burn]

    put_records(logs, GROUP, [batch(10, n) for n in range(4)] + [chat(11)])
    poller.run_once(DAY + timedelta(hours=11, minutes=5))  # $84
    put_records(logs, GROUP, [batch(11, n) for n in range(4)])
    poller.run_once(DAY + timedelta(hours=12, minutes=5))  # $108
    later = texts()[4:]
    assert len(later) == 2, later
    assert "crossed 80%" in later[0] and "crossed 100%" in later[1]
    # every level of the day's budget is told in the first level's thread, and in the channel
    posts = slack.of("chat.postMessage")
    first_level = next(c for c in posts[1:4] if " crossed " in c.args["text"])
    thread_ts = first_level.response["ts"]
    assert [c.args.get("thread_ts") for c in posts[4:6]] == [thread_ts, thread_ts]
    assert all(c.args["reply_broadcast"] for c in posts[4:6])
    edits = [c.args for c in slack.of("chat.update") if c.args["ts"] == thread_ts]
    assert header(edits[-1]).endswith("Critical: Budget all crossed 100%")
    assert "Earlier this period: 50% " in visible(edits[-1])
    assert "80% " in visible(edits[-1]).split("Earlier this period:")[1]

    poller.run_once(DAY + timedelta(days=1, minutes=30))  # a new day: nothing carried over
    assert len(texts()) == 6
    assert not [a for a in bootstrap.AlertStore(store).active() if a.rule.startswith("budget")]
