"""Realistic guardrail metrics (``AWS/Bedrock/Guardrails``) for the demo and the tests."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.entrypoints.demo.seed import daily_shape, periods, put_datums

GUARDRAILS = "AWS/Bedrock/Guardrails"
POLICY_MIX = (("ContentPolicy", 0.6), ("TopicPolicy", 0.3), ("SensitiveInformationPolicy", 0.1))


@dataclass(frozen=True)
class GuardrailProfile:
    arn: str
    version: str
    peak_calls: int  # guardrail evaluations per period at the daily peak
    intervention_rate: float = 0.04
    input_share: float = 0.7  # share of interventions on the user's input (the rest: output)


@dataclass(frozen=True)
class GuardrailSurge:
    """Between ``start`` and ``end`` the guardrail intervenes on ``rate`` of calls, the extra
    interventions all by ``policy`` on ``source``."""

    arn: str
    start: datetime
    end: datetime
    rate: float
    policy: str = "ContentPolicy"
    source: str = "Input"


def guardrail_datums(
    profile: GuardrailProfile,
    moments: Iterable[datetime],
    surges: Iterable[GuardrailSurge] = (),
    rng: random.Random | None = None,
) -> Iterator[dict[str, Any]]:
    rng = rng or random.Random(profile.arn)
    surges = [s for s in surges if s.arn == profile.arn]
    base = [
        {"Name": "GuardrailArn", "Value": profile.arn},
        {"Name": "GuardrailVersion", "Value": profile.version},
    ]
    for moment in moments:
        calls = max(0, round(profile.peak_calls * daily_shape(moment) * rng.uniform(0.85, 1.15)))
        usual = sum(1 for _ in range(calls) if rng.random() < profile.intervention_rate)
        surge = next((s for s in surges if s.start <= moment < s.end), None)
        extra = max(0, round(calls * surge.rate) - usual) if surge else 0
        policy = {name: round(usual * weight) for name, weight in POLICY_MIX}
        source = {"Input": round(usual * profile.input_share)}
        source["Output"] = usual - source["Input"]
        if surge:
            policy[surge.policy] = policy.get(surge.policy, 0) + extra
            source[surge.source] += extra

        rows: list[tuple[str, int, tuple[tuple[str, str], ...]]] = [
            ("Invocations", calls, ()),
            ("InvocationsIntervened", usual + extra, ()),
        ]
        rows += [
            ("InvocationsIntervened", count, (("GuardrailPolicyType", name),))
            for name, count in policy.items()
        ]
        rows += [
            ("InvocationsIntervened", count, (("GuardrailContentSource", name),))
            for name, count in source.items()
        ]
        for metric, value, extra_dims in rows:
            yield {
                "MetricName": metric,
                "Dimensions": base + [{"Name": k, "Value": v} for k, v in extra_dims],
                "Timestamp": moment,
                "Value": float(value),
                "Unit": "Count",
            }


def seed_guardrails(
    cloudwatch: Any,
    end: datetime,
    guardrails: Iterable[GuardrailProfile],
    surges: Iterable[GuardrailSurge] = (),
    hours: float = 24,
    period_seconds: int = 300,
    seed: int = 11,
) -> int:
    """Seed ``hours`` of guardrail metrics ending at ``end``; returns datums written."""
    moments = periods(end, hours, period_seconds)
    surges = list(surges)
    total = 0
    for index, profile in enumerate(guardrails):
        rng = random.Random(seed * 1000 + index)
        datums = guardrail_datums(profile, moments, surges, rng)
        total += put_datums(cloudwatch, datums, namespace=GUARDRAILS)
    return total
