"""Rolling budgets and cache waste through the real poller: invocation logs in moto, alerts
to the fake Slack. Each principal over its rolling limit is its own alert, announced once;
unread prompt-cache writes are priced at genai-prices' cache-write rate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import genai_prices

from bot import bootstrap
from bot.adapters.clock import SystemClock
from bot.adapters.store import open_store
from bot.adapters.store.alerts import AlertStore
from bot.app.poll.poller import Poller
from bot.config.load import load_settings
from tests.support.fake_slack import FakeSlack
from tests.support.invocations import invocation, logging_to, put_records
from tests.support.slack_text import visible

GROUP = "/aws/bedrock/modelinvocations"
DAY = (datetime.now(UTC) - timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)
SONNET = "anthropic.claude-3-5-sonnet-20241022-v2:0"


def poller_for(aws: str, tmp_path: Path, toml: str) -> tuple[Poller, Any, AlertStore]:
    logs, bedrock = logging_to(aws, GROUP)
    config = tmp_path / "bot.toml"
    config.write_text(toml)
    settings = load_settings(str(config), latency_statistic="Average")
    store = open_store(settings.state_url, SystemClock())
    poller = bootstrap.poller(settings, store=store, logs=logs, bedrock=bedrock)
    return poller, logs, AlertStore(store)


def spend(at: datetime, rid: str, role: str, team: str, usd: int) -> dict[str, Any]:
    """``usd`` dollars of Sonnet input ($3 per 1M tokens)."""
    tokens = usd * 1_000_000 // 3
    return invocation(at, rid, SONNET, role, {"team": team}, input_tokens=tokens)


def test_rolling_principal_budget_fires_once_per_principal_and_resolves(
    aws: str, slack: FakeSlack, tmp_path: Path
) -> None:
    toml = '[[rolling_budgets]]\nper = "principal"\namount_usd = 10\nwindow_hours = 1\n'
    poller, logs, alerts = poller_for(aws, tmp_path, toml)
    ten = DAY + timedelta(hours=10)
    put_records(
        logs,
        GROUP,
        [
            spend(ten + timedelta(minutes=5), "a1", "batch-a", "research", 6),
            spend(ten + timedelta(minutes=20), "a2", "batch-a", "research", 6),
            spend(ten + timedelta(minutes=10), "b1", "batch-b", "support", 15),
            spend(ten + timedelta(minutes=15), "c1", "chat", "support", 3),
        ],
    )
    poller.run_once(ten + timedelta(minutes=40))
    poller.run_once(ten + timedelta(minutes=45))  # still over: nothing new to say
    posts = slack.of("chat.postMessage")
    assert len(posts) == 1, [p.args["text"] for p in posts]
    shown = visible(posts[0].args)
    assert "Rolling budget on 2 spenders" in shown
    assert "principal batch-a spent $12.00 in the last 1 h, over $10.00" in shown
    assert "principal batch-b spent $15.00 in the last 1 h, over $10.00" in shown
    assert "chat" not in shown.replace("batch", "")
    firing = {
        a.labels["principal"]: a.labels for a in alerts.active() if a.rule == "budget_rolling"
    }
    assert set(firing) == {"batch-a", "batch-b"}
    assert firing["batch-a"]["team"] == "research" and firing["batch-b"]["team"] == "support"

    poller.run_once(ten + timedelta(hours=2, minutes=30))  # the hour has rolled out
    resolved = [c.args["text"] for c in slack.of("chat.postMessage")[1:] + slack.of("chat.update")]
    assert any(
        "Resolved: Rolling spend on principal batch-a is back to $0.00, alert above $10.00" in t
        for t in resolved
    ), resolved
    assert not [a for a in alerts.active() if a.rule == "budget_rolling"]


def test_cache_writes_not_read_back_are_priced_with_genai_prices_cache_rate(
    aws: str, slack: FakeSlack, tmp_path: Path
) -> None:
    poller, logs, alerts = poller_for(aws, tmp_path, "")
    night = DAY + timedelta(hours=2)
    records = [  # rag-bot writes a fresh 300k-token prefix ten times and reads back little
        invocation(
            night + timedelta(minutes=n),
            f"w{n}",
            SONNET,
            "rag-bot",
            {"team": "search"},
            input_tokens=100,
            cache_write=300_000,
            cache_read=10_000 if n == 0 else 0,
        )
        for n in range(10)
    ] + [  # the assistant writes once and reads back many times: a cache that pays
        invocation(
            night + timedelta(minutes=20 + n),
            f"r{n}",
            SONNET,
            "assistant",
            {"team": "help"},
            input_tokens=100,
            cache_write=1_500_000 if n == 0 else 0,
            cache_read=1_500_000,
        )
        for n in range(5)
    ]
    put_records(logs, GROUP, records)
    poller.run_once(night + timedelta(hours=1))

    unread = 3_000_000 - 10_000
    expected = genai_prices.calc_price(
        genai_prices.Usage(input_tokens=unread, cache_write_tokens=unread),
        model_ref="claude-3-5-sonnet-20241022-v2:0",
        provider_id="aws",
        genai_request_timestamp=night,
    ).total_price
    assert Decimal(expected) > 5  # worth an alert under the default $5 floor
    [post] = [p for p in slack.of("chat.postMessage") if "Cache waste" in p.args["text"]]
    shown = visible(post.args)
    assert f"${Decimal(expected):,.2f} of cache writes saved nothing" in shown
    assert "rag-bot wrote 3,000,000 prompt-cache tokens" in shown
    assert "assistant" not in shown
    [alert] = [a for a in alerts.active() if a.rule == "cache_waste"]
    assert alert.labels == {"model": SONNET, "principal": "rag-bot", "team": "search"}
