"""The digest's guardrail interventions, 👎 reasons and per-route spend, against moto: each
figure is the sum of what was seeded in the period, and nothing from before it."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from alarms.rollup import Rollup, Tally
from bot.adapters.aws.feedback_metrics import CloudWatchFeedback
from bot.adapters.clock import FixedClock
from bot.adapters.slack.digest_view import POLICIES
from bot.adapters.store import open_store
from bot.adapters.store.rollups import RollupStore, hour_key
from bot.config.load import load_settings
from bot.entrypoints.digest import run_digest

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
NOVA, HAIKU = "amazon.nova-pro-v1:0", "anthropic.claude-3-5-haiku-20241022-v1:0"
TEAMS = Path(__file__).parents[1] / "fixtures" / "routes-three-teams.toml"
ARN = "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr-support"
# (hours before NOW, policy, interventions): the 30-hour one is before a daily digest's period.
INTERVENTIONS = [
    (2, "ContentPolicy", 7),
    (5, "ContentPolicy", 4),
    (5, "TopicPolicy", 3),
    (9, "SensitiveInformationPolicy", 2),
    (30, "TopicPolicy", 50),
]
# (hours before NOW, model, reason, change): a withdrawn reason is a -1.
REASONS = [
    (1, NOVA, "wrong", 1),
    (2, NOVA, "wrong", 1),
    (2, HAIKU, "wrong", 1),
    (3, HAIKU, "slow", 1),
    (4, HAIKU, "slow", -1),
    (6, NOVA, "incomplete", 1),
    (30, NOVA, "unsafe", 5),
]
# (hours before NOW, model, principal, team, usd)
SPEND = [
    (2, NOVA, "alice", "search", "12.50"),
    (3, HAIKU, "alice", "search", "1.25"),
    (4, NOVA, "carol", "support", "7.00"),
    (5, HAIKU, "dave", "helpdesk", "3.00"),
    (30, NOVA, "bob", "search", "5.00"),
    (31, HAIKU, "erin", "support", "2.00"),
]


@pytest.fixture(autouse=True)
def average_latency(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENAI_OPS_LATENCY_STATISTIC", "Average")


def seed_guardrails(cloudwatch: Any) -> None:
    base = [{"Name": "GuardrailArn", "Value": ARN}, {"Name": "GuardrailVersion", "Value": "1"}]
    for hours, policy, count in INTERVENTIONS:
        at = NOW - timedelta(hours=hours)
        cloudwatch.put_metric_data(
            Namespace="AWS/Bedrock/Guardrails",
            MetricData=[
                {"MetricName": "Invocations", "Dimensions": base, "Timestamp": at, "Value": 100},
                {
                    "MetricName": "InvocationsIntervened",
                    "Dimensions": [*base, {"Name": "GuardrailPolicyType", "Value": policy}],
                    "Timestamp": at,
                    "Value": count,
                },
            ],
        )


def seed_reasons(cloudwatch: Any) -> None:
    publisher = CloudWatchFeedback(cloudwatch)
    for hours, model, reason, change in REASONS:
        publisher.publish_reasons(model, [(reason, change)], NOW - timedelta(hours=hours))


def seed_spend(store: Any) -> None:
    for index, (hours, model, principal, team, usd) in enumerate(SPEND):
        hour = (NOW - timedelta(hours=hours)).replace(minute=0)
        rollup = Rollup(hour=hour)
        rollup.add_tally(model, principal, [("team", team)], Tally(calls=1, usd=Decimal(usd)))
        RollupStore(store).apply(f"b{index}", {hour_key(hour): rollup})


def digest_text(settings: Any, store: Any, cloudwatch: Any, route: str) -> list[str]:
    where = settings.routing.table().named(route)
    out = io.StringIO()
    run_digest(settings, store, FixedClock(NOW), where, out, cloudwatch)
    return out.getvalue().splitlines()


def in_period(hours: int) -> bool:
    return hours < 24


def usd(total: Decimal) -> str:
    return f"${total:,.2f}"


def test_the_digest_counts_guardrail_interventions_by_policy_and_thumbs_down_reasons(
    cloudwatch: Any,
) -> None:
    settings = load_settings()
    store = open_store(settings.state_url, FixedClock(NOW))
    seed_guardrails(cloudwatch)
    seed_reasons(cloudwatch)
    reads: list[str] = []
    cloudwatch.meta.events.register(
        "before-call.cloudwatch.GetMetricData", lambda **kw: reads.append(kw["model"].name)
    )

    lines = digest_text(settings, store, cloudwatch, "default")

    assert len(reads) == 1  # models, reasons and guardrails in one batch

    policies: dict[str, int] = {}
    for hours, policy, count in INTERVENTIONS:
        if in_period(hours):
            policies[POLICIES[policy]] = policies.get(POLICIES[policy], 0) + count
    ranked = sorted(policies.items(), key=lambda pc: (-pc[1], pc[0]))
    shown = ", ".join(f"{name} {count}" for name, count in ranked)
    assert f"Guardrail interventions by policy: {shown}" in lines
    reasons: dict[str, int] = {}
    for hours, _, reason, change in REASONS:
        if in_period(hours):
            reasons[reason] = reasons.get(reason, 0) + change
    kept = sorted(((r, n) for r, n in reasons.items() if n > 0), key=lambda rn: (-rn[1], rn[0]))
    assert f"Thumbs-down reasons: {', '.join(f'{r} {n}' for r, n in kept)}" in lines
    assert "unsafe" not in "\n".join(lines)  # given before the period


def expected_spend(team_pattern: set[str], hours_range: range) -> Decimal:
    return sum(
        (Decimal(u) for h, _, _, t, u in SPEND if t in team_pattern and h in hours_range),
        Decimal(0),
    )


def test_a_route_digest_shows_the_spend_of_the_teams_it_covers(cloudwatch: Any) -> None:
    settings = load_settings(str(TEAMS))
    store = open_store(settings.state_url, FixedClock(NOW))
    seed_spend(store)
    today, before = range(0, 24), range(24, 48)
    every_team = {t for *_, t, _ in SPEND}

    search = digest_text(settings, store, cloudwatch, "search")
    support = digest_text(settings, store, cloudwatch, "support")
    everyone = digest_text(settings, store, cloudwatch, "default")

    mine, earlier = expected_spend({"search"}, today), expected_spend({"search"}, before)
    assert search[1].startswith(
        f"Spend of what this route covers (team=search): {usd(mine)} (period before {usd(earlier)}"
    )
    assert "principal carol" not in "\n".join(search)  # support's caller is not a search mover
    theirs = expected_spend({"support", "helpdesk"}, today)
    assert support[1].startswith(
        "Spend of what this route covers (team~support|helpdesk): "
        f"{usd(theirs)} (period before {usd(expected_spend({'support', 'helpdesk'}, before))}"
    )
    total = expected_spend(every_team, today)
    assert everyone[1].startswith(
        f"Spend {usd(total)} (period before {usd(expected_spend(every_team, before))}"
    )
    assert mine + theirs == total  # the routes split the account's spend, nothing lost
