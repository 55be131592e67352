"""The guardrail-surge rule: a guardrail's intervention rate against its own adaptive baseline.

``InvocationsIntervened / Invocations`` per period goes through the same streaming baseline
as latency (time-of-day and day-of-week profile, hysteresis, traffic weighting, a lasting
rise accepted as the new normal). A period breaches when the rate is above usual by the
largest of ``relative_margin``, ``absolute_margin``, ``mad_multiplier`` robust deviations
and the usual tail, is at least ``min_rate``, and had at least ``min_interventions``
intervened calls: a strict guardrail that always intervenes on 30% never pages, one that
jumps from 2% to 20% does. The alert names the policy types (``GuardrailPolicyType``) and
sides (``GuardrailContentSource``) whose interventions drove it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from alarms.model import Evaluation, MetricPoint
from alarms.periods import PeriodVerdict, Verdict, replay
from alarms.rates import share
from alarms.rules import GuardrailSurgeRule
from alarms.shares import judge_share

Counts = Mapping[datetime, float]


def verdicts(
    rule: GuardrailSurgeRule,
    rates: Sequence[MetricPoint],
    invocations: Counts | None = None,
    interventions: Counts | None = None,
) -> list[PeriodVerdict]:
    """One verdict per period from a fresh baseline; without counts (a backtest) traffic
    is not checked."""
    return judge_share(rule, None, rates, invocations, interventions)[0]


def drivers(parts: Mapping[str, Counts], moments: Iterable[datetime]) -> list[tuple[str, float]]:
    """Each part's share of the interventions in the periods ``moments``, largest first."""
    chosen = set(moments)
    totals = {
        name: sum(v for ts, v in series.items() if ts in chosen) for name, series in parts.items()
    }
    whole = sum(totals.values())
    if whole <= 0:
        return []
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return [(name, value / whole) for name, value in ranked if value > 0]


def _episode_breaches(
    judged: Sequence[PeriodVerdict], rule: GuardrailSurgeRule, onset: datetime
) -> list[datetime]:
    """The breaching periods that fired the alert (the M-of-N window up to the onset) and
    every breach after it."""
    seen = [v for v in judged if v.verdict is not Verdict.MISSING]
    at = next((i for i, v in enumerate(seen) if v.timestamp == onset), len(seen) - 1)
    start = max(0, at - rule.eval_periods + 1)
    return [v.timestamp for v in seen[start:] if v.verdict is Verdict.BREACH]


def _describe(ranked: list[tuple[str, float]]) -> str:
    return ", ".join(f"{name} {fraction:.0%}" for name, fraction in ranked) or "unknown"


def evaluate(
    rule: GuardrailSurgeRule,
    guardrail: tuple[str, str],
    interventions: Counts,
    invocations: Counts,
    period_seconds: int,
    by_policy: Mapping[str, Counts] | None = None,
    by_source: Mapping[str, Counts] | None = None,
) -> Evaluation:
    """Whether the guardrail ``(arn, version)`` intervenes far more than usual now."""
    judged = verdicts(rule, share(interventions, invocations), invocations, interventions)
    counts = (interventions, invocations)
    return evaluation_of(rule, guardrail, judged, counts, period_seconds, by_policy, by_source)


def evaluation_of(
    rule: GuardrailSurgeRule,
    guardrail: tuple[str, str],
    judged: Sequence[PeriodVerdict],
    counts: tuple[Counts, Counts],
    period_seconds: int,
    by_policy: Mapping[str, Counts] | None = None,
    by_source: Mapping[str, Counts] | None = None,
) -> Evaluation:
    """The alert state at the end of ``judged``; ``counts`` is (interventions, invocations)."""
    interventions, invocations = counts
    arn, version = guardrail
    states = replay(judged, rule)
    labels = {"guardrail": arn, "version": version}
    last = next((v for v in reversed(judged) if v.verdict is not Verdict.MISSING), None)
    if not states or last is None:
        return Evaluation(rule=rule.kind, labels=labels, firing=False, summary="no data")
    final = states[-1]
    moments = _episode_breaches(judged, rule, final.since or last.timestamp)
    policies = drivers(by_policy or {}, moments)
    sources = drivers(by_source or {}, moments)
    rate = last.value or 0.0
    usual = f" (usual {last.baseline:.1%})" if last.baseline is not None else ""
    summary = f"intervened on {rate:.1%} of calls{usual}"
    if policies:
        summary += f", mostly {policies[0][0]}"
    if sources:
        summary += f" on {sources[0][0]}"
    details = {
        "metric": "InvocationsIntervened",
        "period_seconds": str(period_seconds),
        "invocations": f"{invocations.get(last.timestamp, 0):.0f}",
        "interventions": f"{interventions.get(last.timestamp, 0):.0f}",
        "policy_types": _describe(policies),
        "content_sources": _describe(sources),
    }
    if last.baseline is not None and last.usual:
        details["usual"] = f"{last.usual}: {last.baseline:.1%} intervened"
    if last.note:
        details["level_shift"] = last.note
    return Evaluation(
        rule=rule.kind,
        labels=labels,
        firing=final.firing,
        severity=rule.severity,
        value=rate * 100,
        threshold=None if last.threshold is None else last.threshold * 100,
        baseline=None if last.baseline is None else last.baseline * 100,
        unit="%",
        onset=final.since,
        period_end=last.timestamp,
        summary=summary,
        details=details,
        repeat_interval_minutes=rule.repeat_interval_minutes,
        refire_cooldown_minutes=rule.refire_cooldown_minutes,
    )
