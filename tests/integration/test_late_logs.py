"""Invocation-log records that CloudWatch Logs delivers late, read by the real poller from
moto: each is counted in the first poll after it is readable, and exactly once, across
re-reads of the overlap window and a restart on the same SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from bot import bootstrap
from bot.adapters.clock import FixedClock
from bot.adapters.store import StateStore, open_store
from bot.app.spend.summary import usage_summary
from bot.config.load import load_settings
from bot.config.settings import Settings
from tests.support.fake_slack import FakeSlack
from tests.support.invocations import invocation, put_records

GROUP = "/aws/bedrock/modelinvocations"
# CloudWatch Logs (and moto) refuse events older than 14 days, so the day is a recent one.
T0 = (datetime.now(UTC) - timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
SONNET = "anthropic.claude-3-5-sonnet-20241022-v2:0"


def call(minute: float, n: int) -> dict[str, Any]:
    """One Converse call stamped ``minute`` minutes after T0: $3.00 of input."""
    return invocation(T0 + timedelta(minutes=minute), f"req-{n}", SONNET, input_tokens=1_000_000)


@pytest.fixture
def logs(aws: str) -> Any:
    logs = boto3.client("logs", endpoint_url=aws, region_name="us-east-1")
    logs.create_log_group(logGroupName=GROUP)
    return logs


def settings_for(tmp_path: Path, budget: int = 1000) -> Settings:
    config = tmp_path / "bot.toml"
    config.write_text(
        f'[[budgets]]\nname = "all"\nperiod = "daily"\namount_usd = {budget}\n'
        "thresholds = [100]\nforecast = false\nburn_rate_horizon_hours = 0.001\n"
    )
    return load_settings(
        str(config),
        latency_statistic="Average",
        invocation_log_group=GROUP,
        state_url=f"sqlite:///{tmp_path / 'state.db'}",
    )


def poll(settings: Settings, store: StateStore, logs: Any, at: datetime) -> None:
    bedrock = boto3.client("bedrock", region_name="us-east-1")
    bootstrap.poller(settings, store=store, logs=logs, bedrock=bedrock).run_once(at)


def calls(store: StateStore) -> int:
    return usage_summary(store, T0 - timedelta(hours=1), T0 + timedelta(hours=2)).total.calls


def test_a_record_delivered_after_the_poll_that_passed_its_time_is_counted(
    logs: Any, tmp_path: Path, slack: FakeSlack
) -> None:
    settings = settings_for(tmp_path)
    store = open_store(settings.state_url, FixedClock(T0))
    put_records(logs, GROUP, [call(2, 1), call(9, 2)])
    poll(settings, store, logs, T0 + timedelta(minutes=11))
    assert calls(store) == 2

    put_records(logs, GROUP, [call(8, 3)])  # stamped minute 8, delivered after minute 11
    poll(settings, store, logs, T0 + timedelta(minutes=12))
    assert calls(store) == 3  # 3 of 3, and minute 9 (read twice) counted once

    store.close()
    store = open_store(settings.state_url, FixedClock(T0))  # restart on the same file
    poll(settings, store, logs, T0 + timedelta(minutes=13))  # the overlap read a third time
    poll(settings, store, logs, T0 + timedelta(minutes=30))
    assert calls(store) == 3
    summary = usage_summary(store, T0, T0 + timedelta(hours=1))
    assert summary.usd == 9


def test_a_budget_crossed_by_readable_records_is_reported_in_that_poll(
    logs: Any, tmp_path: Path, slack: FakeSlack
) -> None:
    settings = settings_for(tmp_path, budget=5)
    store = open_store(settings.state_url, FixedClock(T0))
    put_records(logs, GROUP, [call(3, 1)])
    poll(settings, store, logs, T0 + timedelta(minutes=5))
    assert not slack.of("chat.postMessage")
    put_records(logs, GROUP, [call(9.99, 2)])  # readable ten milliseconds later, at minute 10
    poll(settings, store, logs, T0 + timedelta(minutes=10))
    texts = [c.args["text"] for c in slack.of("chat.postMessage")]
    assert [t for t in texts if "Budget all crossed 100%: $6.00 of $5.00" in t], texts


def test_a_record_later_than_the_overlap_window_is_not_counted_twice_or_late(
    logs: Any, tmp_path: Path, slack: FakeSlack
) -> None:
    settings = settings_for(tmp_path).with_flat(usage_overlap_seconds=60)
    store = open_store(settings.state_url, FixedClock(T0))
    put_records(logs, GROUP, [call(1, 1)])
    poll(settings, store, logs, T0 + timedelta(minutes=10))
    put_records(logs, GROUP, [call(9.5, 2), call(4, 3)])  # within 1 min of the cursor; not
    poll(settings, store, logs, T0 + timedelta(minutes=11))
    assert calls(store) == 2  # minute 4 came later than the window the setting allows
    # only the minute the next poll can read again is remembered; older ones are deleted
    assert [r.key for r in store.scan("usage_seen")] == [f"{GROUP}|{T0:%Y-%m-%d}T09:09"]


def test_a_cursor_of_the_older_format_is_taken_over_without_counting_twice(
    logs: Any, tmp_path: Path, slack: FakeSlack
) -> None:
    settings = settings_for(tmp_path)
    store = open_store(settings.state_url, FixedClock(T0))
    put_records(logs, GROUP, [call(2, 1), call(9, 2)])
    [at_nine] = [
        e["eventId"]
        for e in logs.filter_log_events(logGroupName=GROUP)["events"]
        if e["timestamp"] == int((T0 + timedelta(minutes=9)).timestamp() * 1000)
    ]
    old = {  # what the older reader left: the newest timestamp read and the ids at it
        "group": GROUP,
        "ts": int((T0 + timedelta(minutes=9)).timestamp() * 1000),
        "ids": [at_nine],
        "batch": 1,
        "pending": None,
        "records": 2,
        "malformed": 0,
    }
    store.put("usage_cursor", GROUP, old)
    put_records(logs, GROUP, [call(10, 3)])
    poll(settings, store, logs, T0 + timedelta(minutes=12))
    poll(settings, store, logs, T0 + timedelta(minutes=13))
    assert calls(store) == 1  # only the new record: the two the old cursor counted are not read
