"""The digest against moto and the fake Slack: its figures are the roll-ups', the metrics'
and the alert history's."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from alarms.model import Alert, AlertState, Severity
from alarms.rollup import Rollup, Tally
from bot.adapters.clock import FixedClock
from bot.adapters.store import open_store
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.rollups import RollupStore, hour_key
from bot.config.load import load_settings
from bot.entrypoints.digest import run_digest
from tests.support.fake_slack import FakeSlack

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
MODEL = "amazon.nova-pro-v1:0"
TEAMS = Path(__file__).parents[1] / "fixtures" / "routes-three-teams.toml"


def spend(hour: datetime, model: str, usd: str, principal: str) -> Rollup:
    """One search-team caller's spend in one hour, in every slice of the roll-up."""
    rollup = Rollup(hour=hour)
    rollup.add_tally(model, principal, [("team", "search")], Tally(calls=10, usd=Decimal(usd)))
    return rollup


@pytest.fixture(autouse=True)
def average_latency(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto cannot compute percentiles: read the average, as the demo does."""
    monkeypatch.setenv("GENAI_OPS_LATENCY_STATISTIC", "Average")


def seed_metrics(cloudwatch: Any) -> None:
    def put(metric: str, at: datetime, value: float, namespace: str = "AWS/Bedrock") -> None:
        cloudwatch.put_metric_data(
            Namespace=namespace,
            MetricData=[
                {
                    "MetricName": metric,
                    "Dimensions": [{"Name": "ModelId", "Value": MODEL}],
                    "Timestamp": at,
                    "Value": value,
                }
            ],
        )

    today, last_week = NOW - timedelta(hours=3), NOW - timedelta(days=7, hours=3)
    put("Invocations", today, 200)
    put("InvocationServerErrors", today, 4)
    put("InvocationThrottles", today, 50)
    put("InvocationLatency", today, 1800)
    put("InvocationLatency", last_week, 1200)
    put("PositiveFeedback", today, 3, "GenAIOps/Feedback")
    put("NegativeFeedback", today, 1, "GenAIOps/Feedback")


def seed_alerts(store: Any) -> None:
    alerts = AlertStore(store)
    for team, acked, resolved in (("search", 10, 70), ("search", 30, None), ("support", 5, 5)):
        start = NOW - timedelta(hours=5, minutes=len(team))
        alerts.save(
            Alert(
                fingerprint=f"fp-{team}-{acked}",
                rule="latency_spike",
                labels={"model": MODEL, "team": team},
                state=AlertState.RESOLVED if resolved else AlertState.FIRING,
                severity=Severity.CRITICAL,
                started_at=start,
                updated_at=start,
                acknowledged_at=start + timedelta(minutes=acked),
                resolved_at=start + timedelta(minutes=resolved) if resolved else None,
            )
        )


def test_the_digest_tells_the_figures_it_was_built_from(cloudwatch: Any, slack: FakeSlack) -> None:
    settings = load_settings(str(TEAMS))
    store = open_store(settings.state_url, FixedClock(NOW))
    for batch, hours, usd, who in (("b1", 2, "12.50", "alice"), ("b2", 30, "5.00", "bob")):
        hour = NOW - timedelta(hours=hours)
        RollupStore(store).apply(batch, {hour_key(hour): spend(hour, MODEL, usd, who)})
    seed_metrics(cloudwatch)
    seed_alerts(store)
    search = settings.routing.table().named("search")
    assert search is not None

    sent = run_digest(settings, store, FixedClock(NOW), search, io.StringIO(), cloudwatch)

    assert sent == "C0SEARCH1"
    (post,) = slack.of("chat.postMessage")
    text = "\n".join(b["text"]["text"] for b in post.args["blocks"] if b["type"] == "section")
    assert (
        "Spend of what this route covers (team=search): $12.50 (period before $5.00, +150%)" in text
    )
    assert "model nova-pro-v1:0: $5.00 -&gt; $12.50" in text
    assert "principal alice: $0.00 -&gt; $12.50" in text
    assert (
        "nova-pro-v1:0: 200 calls, 1,800 ms (last week 1,200 ms), errors 2.0%, "
        "throttles 20.0%, feedback 75.0% positive of 4" in text
    )
    assert (
        "Alerts: 2 fired, 2 acknowledged, 1 resolved; time to acknowledge 20m, to resolve 1h 10m"
        in text
    )
    assert slack.of("files.getUploadURLExternal")  # the chart went to the thread


def test_without_slack_the_digest_is_printed(cloudwatch: Any, tmp_path: Path) -> None:
    settings = load_settings()
    store = open_store(settings.state_url, FixedClock(NOW))
    seed_metrics(cloudwatch)
    out = io.StringIO()

    sent = run_digest(
        settings, store, FixedClock(NOW), settings.routing.table().root, out, cloudwatch
    )

    assert sent == "the terminal"
    lines = out.getvalue().splitlines()
    assert lines[0] == "Digest for default: 2026-11-17 09:00 to 2026-11-18 09:00 UTC"
    assert any("200 calls, 1,800 ms (last week 1,200 ms)" in line for line in lines)
