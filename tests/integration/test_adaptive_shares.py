"""Guardrail interventions and throttling judged on each series' own baseline, over moto.

A strict guardrail that always intervenes on 30% of calls and a busy model that is always
throttled on 12% (over the old 10% ceiling) stay quiet; a guardrail that jumps from 2% to
20% and a model that jumps from no throttling to 6% page once each, saying what usual is.
Every poll is a new process on the same SQLite file: the baselines outlive it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot import bootstrap
from bot.adapters.clock import FixedClock
from bot.adapters.slack.figures import figure
from bot.adapters.store import open_store
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.detector_state import KIND
from bot.config.load import load_settings
from bot.entrypoints.demo.seed import Incident, ModelProfile, seed_fleet
from bot.entrypoints.demo.seed_guardrails import GuardrailProfile, GuardrailSurge, seed_guardrails
from tests.support.fake_slack import FakeSlack
from tests.support.slack_text import visible

END = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
PERIOD = timedelta(minutes=5)
JUMP = END - 4 * PERIOD  # the jumps start here
GUARD = "arn:aws:bedrock:us-east-1:123456789012:guardrail/"
STRICT = GuardrailProfile(GUARD + "strict0001", "1", 150, intervention_rate=0.30)
JUMPY = GuardrailProfile(GUARD + "jumpy00001", "2", 150, intervention_rate=0.02)
BUSY = ModelProfile("test.busy-v1:0", 200, 900, throttle_rate=0.12, error_rate=0.0)
CALM = ModelProfile("test.calm-v1:0", 200, 900, throttle_rate=0.0, error_rate=0.0)


def seed(cloudwatch: Any, end: datetime, span: timedelta) -> None:
    hours = span.total_seconds() / 3600
    surge = GuardrailSurge(JUMPY.arn, JUMP, END + timedelta(hours=1), rate=0.20)
    seed_guardrails(cloudwatch, end, (STRICT, JUMPY), [surge], hours=hours)
    jump = Incident(CALM.model_id, JUMP, END + timedelta(hours=1), throttle_rate=0.06)
    seed_fleet(cloudwatch, end, (BUSY, CALM), [jump], hours=hours)


def poll(cloudwatch: Any, url: str, now: datetime) -> Any:
    """One cycle of a freshly started bot (a new process) on the state file ``url``."""
    settings = load_settings(latency_statistic="Average", lookback_hours=3, state_url=url)
    clock = FixedClock(now)
    store = open_store(url, clock)
    poller = bootstrap.poller(settings, store=store, cloudwatch=cloudwatch, at=clock)
    return poller.run_once(now)


def test_usual_shares_stay_quiet_and_jumps_page_once_across_restarts(
    cloudwatch: Any, slack: FakeSlack, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    seed(cloudwatch, JUMP, timedelta(hours=3))
    starts: list[datetime] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        starts.append(params["StartTime"])

    cloudwatch.meta.events.register("provide-client-params.cloudwatch.GetMetricData", record)

    warm = poll(cloudwatch, url, JUMP + timedelta(seconds=30))  # three calm hours learnt
    assert warm.failures == [] and warm.notices == []
    assert starts == [JUMP - timedelta(hours=3)]

    seed(cloudwatch, END + PERIOD, 5 * PERIOD)  # the jumps, and one period more
    jumped = poll(cloudwatch, url, END + timedelta(seconds=30))
    again = poll(cloudwatch, url, END + PERIOD + timedelta(seconds=30))

    assert jumped.failures == [] and again.failures == [] and again.notices == []
    # the restarted bots read on from what was judged (minus the overlap), never the 3 h again
    assert min(starts[1:]) >= JUMP - 3 * PERIOD
    active = {
        (a.rule, *a.labels.values()): a
        for a in AlertStore(open_store(url, FixedClock(END))).active()
    }
    assert set(active) == {
        ("guardrail_surge", JUMPY.arn, JUMPY.version),
        ("throttle_rate", CALM.model_id),
    }
    surge = active[("guardrail_surge", JUMPY.arn, JUMPY.version)]
    assert surge.baseline is not None and 1.0 <= surge.baseline <= 3.0
    assert surge.value is not None and 17 <= surge.value <= 23
    throttle = active[("throttle_rate", CALM.model_id)]
    assert throttle.baseline == 0.0 and throttle.value is not None and 5 <= throttle.value <= 7

    posts = slack.of("chat.postMessage")
    texts = [post.args["text"] for post in posts]
    assert len(texts) == 2, texts  # one page each, not repeated by the restarted bot
    [guard_post] = [p for p in posts if "Guardrail interventions" in p.args["text"]]
    shown = visible(guard_post.args)
    assert f"*Usual*\n{figure(surge.baseline, '%')} intervened" in shown
    assert "usually" in shown
    [throttle_post] = [p for p in posts if "Throttling" in p.args["text"]]
    assert "test.calm" in visible(throttle_post.args)

    kept = {row.key.split("/")[0] for row in open_store(url, FixedClock(END)).scan(KIND)}
    assert {"guardrail_surge", "throttle_rate", "error_rate"} <= kept
