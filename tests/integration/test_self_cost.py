"""The bot reports what its own polling costs: per cycle, and as a monthly estimate."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import bootstrap
from bot.adapters.clock import SystemClock
from bot.adapters.store import open_store
from bot.adapters.terminal import TerminalNotifier
from bot.app.poll.history import PollHistory, series_per_subject
from bot.app.poll.report import monthly_cost_usd
from bot.config.load import load_settings
from bot.entrypoints.cli.check_config import check_config
from tests.support.bedrock import seed_incidents

END = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_last_cycle_cost_is_stored_and_shown_by_check_config(cloudwatch: Any) -> None:
    seed_incidents(cloudwatch, END, hours=1)
    settings = load_settings(latency_statistic="Average", lookback_hours=1)
    store = open_store(settings.state_url, SystemClock())
    poller = bootstrap.poller(
        settings, store=store, cloudwatch=cloudwatch, sink=TerminalNotifier(io.StringIO())
    )
    report = poller.run_once(END + timedelta(seconds=30))

    last = PollHistory(store).last()
    assert last is not None
    assert (last.models, last.guardrails) == (6, 2)
    assert last.metrics_requested == report.metrics_requested > 0
    assert last.monthly_cost_usd == monthly_cost_usd(report.metrics_requested, 300)

    plain, streaming, guardrail = series_per_subject(settings.active_rules)
    assert (plain, streaming) == (4, 5)  # latency, invocations, throttles, server errors (+TTFT)
    assert guardrail == 2 + 5 + 2  # calls, interventions, by 5 policy types and 2 sources

    out = io.StringIO()
    slower = settings.with_flat(poll_interval_seconds=600)
    assert check_config(slower, out, SystemClock()) == 0
    text = out.getvalue()
    assert "4 series per model (5 if it streams" in text
    assert (
        f"{last.metrics_requested} metrics in" in text
        and "6 models and 2 guardrails with data in the last 3 h" in text
    )
    halved = monthly_cost_usd(report.metrics_requested, 600)
    assert f"about ${halved:,.2f}/month at a 600s interval" in text
