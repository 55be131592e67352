"""Hostile and broken invocation-log records in moto's CloudWatch Logs, read by the real
poller: each is skipped, counted and logged by event id, and every other alert still goes out."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import bootstrap
from bot.adapters.clock import SystemClock
from bot.adapters.store import open_store
from bot.app.spend.ingest import CURSOR
from bot.app.spend.summary import usage_summary
from bot.config.load import load_settings
from tests.support.fake_slack import FakeSlack
from tests.support.invocations import invocation, logging_to, put_messages, put_records

GROUP = "/aws/bedrock/modelinvocations"
DAY = (datetime.now(UTC) - timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)
SONNET = "anthropic.claude-3-5-sonnet-20241022-v2:0"
SECRET = "private prompt words"


def chat(n: int, **counts: Any) -> dict[str, Any]:
    counts = {"input_tokens": 1_000_000, **counts}  # $3.00 each
    return invocation(DAY + timedelta(hours=1, minutes=n), f"chat-{n}", SONNET, "chat", **counts)


def hostile() -> list[str]:
    deep = chat(20)
    deep["input"]["inputBodyJson"] = json.loads("[" * 900 + "]" * 900)
    text = json.dumps(deep).replace('"inputBodyJson": [', '"inputBodyJson": ' + "[" * 1000, 1)
    text = text.replace("]", "]" * 101, 1)  # 1,000 deep, still balanced
    huge = chat(21)
    huge["input"]["inputTokenCount"] = 10**30
    huge["input"]["inputBodyJson"] = {"messages": [{"content": [{"text": SECRET}]}]}
    negative, floating, wrong = chat(22), chat(23), chat(24)
    negative["output"]["outputTokenCount"] = -5
    floating["input"]["inputTokenCount"] = 1.5
    wrong["input"] = ["not", "an", "object"]
    return [text, *(json.dumps(r) for r in (huge, negative, floating, wrong)), "\x00{"]


@pytest.fixture
def setup(aws: str, tmp_path: Path) -> tuple[Any, Any]:
    logs, bedrock = logging_to(aws, GROUP)
    return logs, bedrock


def test_hostile_records_are_set_aside_and_the_budget_alert_still_goes_out(
    setup: tuple[Any, Any], slack: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    logs, bedrock = setup
    config = tmp_path / "bot.toml"
    config.write_text('[[budgets]]\nname = "all"\nperiod = "daily"\namount_usd = 10\n')
    settings = load_settings(str(config), latency_statistic="Average")
    store = open_store(settings.state_url, SystemClock())
    poller = bootstrap.poller(settings, store=store, logs=logs, bedrock=bedrock)
    put_records(logs, GROUP, [chat(n) for n in range(4)])  # $12: over the $10 budget
    bad = hostile()
    put_messages(logs, GROUP, [(DAY + timedelta(hours=1, minutes=30), text) for text in bad])

    with caplog.at_level(logging.WARNING):
        report = poller.run_once(DAY + timedelta(hours=2))
    texts = [call.args["text"] for call in slack.of("chat.postMessage")]
    assert [t for t in texts if "Budget all crossed 100%: $12.00 of $10.00" in t], texts
    assert not [t for t in texts if "3,000,000" in t]
    assert not report.failures

    summary = usage_summary(store, DAY, DAY + timedelta(days=1))
    assert (summary.total.calls, summary.usd) == (4, 12)
    cursor = store.get(CURSOR, GROUP)
    assert cursor is not None and cursor.body["malformed"] == len(bad)
    skipped = [r for r in caplog.records if getattr(r, "event_id", None)]
    assert len(skipped) == len(bad)
    assert any("above 10,000,000" in r.reason for r in skipped)  # type: ignore[attr-defined]
    assert SECRET not in caplog.text

    poller.run_once(DAY + timedelta(hours=2, minutes=5))  # the cursor is past them for good
    again = store.get(CURSOR, GROUP)
    assert again is not None and again.body["malformed"] == len(bad)
    assert usage_summary(store, DAY, DAY + timedelta(days=1)).total.calls == 4
