"""Every rule against moto: seeded incidents give exactly the expected alerts, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from alarms.names import short_model
from bot import bootstrap
from bot.adapters.aws.cloudwatch import CloudWatchReader
from bot.adapters.clock import FixedClock, SystemClock
from bot.adapters.store import open_store
from bot.adapters.store.alerts import AlertStore
from bot.app.poll.metric_check import MetricRulesCheck
from bot.app.poll.poller import Poller
from bot.config.load import load_settings
from tests.support.bedrock import (
    GUARD_SURGING,
    SPIKY,
    STREAMING,
    THROTTLED,
    seed_incidents,
)
from tests.support.fake_slack import FakeSlack
from tests.support.slack_text import visible

END = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_seeded_incidents_raise_exactly_the_expected_alerts_once(
    cloudwatch: Any, slack: FakeSlack
) -> None:
    seed_incidents(cloudwatch, END)
    settings = load_settings(latency_statistic="Average", lookback_hours=6)
    # the store keeps the time of the polls (what it keeps expires by that clock)
    store = open_store(settings.state_url, FixedClock(END + timedelta(minutes=1)))
    poller = bootstrap.poller(settings, store=store, cloudwatch=cloudwatch)
    reads: list[list[str]] = []  # GetMetricData calls for Bedrock series, by namespaces read

    def count(params: dict[str, Any], **_: Any) -> None:
        names = {q["MetricStat"]["Metric"]["Namespace"] for q in params["MetricDataQueries"]}
        if any(name.startswith("AWS/Bedrock") for name in names):
            reads.append(sorted(names))

    cloudwatch.meta.events.register("provide-client-params.cloudwatch.GetMetricData", count)

    first = poller.run_once(END + timedelta(seconds=30))
    second = poller.run_once(END + timedelta(minutes=1))

    assert first.failures == []
    alerts = {(a.rule, tuple(sorted(a.labels.items()))): a for a in AlertStore(store).active()}
    guard = (("guardrail", GUARD_SURGING.arn), ("version", GUARD_SURGING.version))
    expected = {
        ("latency_spike", (("model", SPIKY.model_id),)),
        ("latency_spike", (("model", STREAMING.model_id),)),
        ("latency_spike", (("metric", "TimeToFirstToken"), ("model", STREAMING.model_id))),
        ("latency_spike", (("model", THROTTLED.model_id),)),  # held back, see below
        ("throttle_rate", (("model", THROTTLED.model_id),)),
        ("guardrail_surge", guard),
    }
    assert set(alerts) == expected

    held = alerts[("latency_spike", (("model", THROTTLED.model_id),))]
    cause = alerts[("throttle_rate", (("model", THROTTLED.model_id),))]
    assert held.inhibited_by == cause.fingerprint and not held.announced

    texts = [call.args["text"] for call in slack.of("chat.postMessage")]
    assert len(first.notices) == 5 and second.notices == []
    assert len(texts) == 3, texts  # the outbox groups one message per rule and cycle
    [guard_text] = [t for t in texts if ": Guardrail interventions on " in t]
    [latency_text] = [t for t in texts if ": Latency spike on " in t]
    [throttle_text] = [t for t in texts if ": Throttling on " in t]
    # two models (one with latency and time to first token): two subjects, not three alerts
    assert latency_text.startswith("Critical: Latency spike on 2 models")  # TTFT 4x usual
    [latency_post] = [c for c in slack.of("chat.postMessage") if c.args["text"] == latency_text]
    shown = visible(latency_post.args)
    assert short_model(SPIKY.model_id) in shown and short_model(STREAMING.model_id) in shown
    assert "Time to first token (Average)" in shown
    assert short_model(THROTTLED.model_id) not in shown  # held back by its throttle alert
    assert throttle_text.startswith(f"Critical: Throttling on {short_model(THROTTLED.model_id)}.")
    assert cause.value is not None and 25 <= cause.value <= 35  # seeded: 30% of calls
    guard_id = GUARD_SURGING.arn.rsplit("/", 1)[-1]
    assert f"Guardrail interventions on guardrail {guard_id}" in guard_text
    surge = alerts[("guardrail_surge", guard)]
    assert surge.details["policy_types"].startswith("ContentPolicy")
    assert surge.details["content_sources"].startswith("Input")
    assert "mostly ContentPolicy on Input" in surge.summary

    # one batched GetMetricData read of every Bedrock series; the second cycle, in the same
    # period, has nothing its detectors have not judged, so it reads nothing; discovery cached
    assert reads == [["AWS/Bedrock", "AWS/Bedrock/Guardrails"]]
    assert first.api_calls > second.api_calls  # ListMetrics only in the first cycle


def test_a_normal_day_of_polls_raises_nothing(cloudwatch: Any, slack: FakeSlack) -> None:
    """Daily traffic curve, noise, a noisy model, a near-idle model and two normal guardrails,
    polled every hour for a simulated day: not one notice."""
    from bot.entrypoints.demo.seed import seed_fleet
    from bot.entrypoints.demo.seed_guardrails import seed_guardrails
    from tests.support.bedrock import GUARD_CALM, NOISY, QUIET, STEADY

    day_end = END + timedelta(hours=24)
    seed_fleet(cloudwatch, day_end, (STEADY, NOISY, QUIET, STREAMING), hours=27)
    seed_guardrails(cloudwatch, day_end, (GUARD_CALM, GUARD_SURGING), hours=27)
    # a 3 h baseline keeps moto quick (its GetMetricData scans every datapoint per period)
    settings = load_settings(
        latency_statistic="Average", lookback_hours=3, discovery_ttl_minutes=13 * 60
    )
    store = open_store(settings.state_url, SystemClock())
    # the metric rules alone (budgets and feedback have their own tests), as wiring builds them
    check = MetricRulesCheck(bootstrap.metric_config(settings), CloudWatchReader(cloudwatch))
    poller = Poller([check], AlertStore(store), bootstrap.notifier(settings, store))

    reports = [poller.run_once(END + timedelta(hours=i, seconds=20)) for i in range(25)]

    assert all(r.failures == [] for r in reports)
    assert [n for r in reports for n in r.notices] == []
    assert slack.of("chat.postMessage") == []
    assert AlertStore(store).all() == []
    judged = {e.rule for e in reports[-1].evaluations if e.summary != "no data"}
    assert judged == {"latency_spike", "error_rate", "throttle_rate", "guardrail_surge"}


def test_guardrail_series_stored_with_version_first_are_still_read(cloudwatch: Any) -> None:
    """moto (unlike AWS) only answers a query whose dimensions are in the stored order; the
    bot builds its queries from what ListMetrics returned, so the order never matters."""
    import random

    from alarms.rules import GuardrailSurgeRule
    from bot.adapters.aws.cloudwatch import CloudWatchReader
    from bot.adapters.aws.discovery import Discovery
    from bot.app.poll.metric_plans import plans
    from bot.entrypoints.demo.seed import periods, put_datums
    from bot.entrypoints.demo.seed_guardrails import GUARDRAILS, GuardrailSurge, guardrail_datums

    surge = GuardrailSurge(GUARD_SURGING.arn, END - timedelta(minutes=30), END, rate=0.35)
    datums = list(guardrail_datums(GUARD_SURGING, periods(END, 3, 300), [surge], random.Random(1)))
    for datum in datums:
        arn, version, *rest = datum["Dimensions"]
        datum["Dimensions"] = [version, arn, *rest]
    put_datums(cloudwatch, datums, namespace=GUARDRAILS)

    reader = CloudWatchReader(cloudwatch)
    inventory = Discovery(reader).inventory(END)
    [series] = inventory.guardrails
    assert series.invocations[0][0] == "GuardrailVersion"  # kept as listed
    [plan] = plans((GuardrailSurgeRule(),), inventory, "Average", 300)
    result = plan.judge(reader.fetch(list(plan.keys), END - timedelta(hours=3), END, 300))
    assert result.firing and result.labels["guardrail"] == GUARD_SURGING.arn
