"""The guardrail-surge rule: a guardrail's intervention rate against its own baseline.

A period breaches when ``InvocationsIntervened / Invocations`` is above the largest of the
absolute floor, the baseline times ``1 + relative_margin``, the baseline plus
``absolute_margin`` and the baseline plus ``mad_multiplier`` robust deviations. The alert
names the policy types (``GuardrailPolicyType``) and sides (``GuardrailContentSource``)
whose interventions drove it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from alarms.baseline import threshold_above
from alarms.model import Evaluation, MetricPoint
from alarms.periods import PeriodVerdict, Verdict, replay
from alarms.rates import share
from alarms.rules import GuardrailSurgeRule

Counts = Mapping[datetime, float]


def threshold_for(rule: GuardrailSurgeRule, history: Sequence[float]) -> tuple[float, float] | None:
    """(threshold, baseline) from calm history, or None while history is too short."""
    return threshold_above(
        history,
        rule.min_baseline_periods,
        relative=rule.relative_margin,
        absolute=rule.absolute_margin,
        mad_multiplier=rule.mad_multiplier,
        floor=rule.min_rate,
    )


def verdicts(
    rule: GuardrailSurgeRule,
    rates: Sequence[MetricPoint],
    invocations: Counts | None = None,
    interventions: Counts | None = None,
) -> list[PeriodVerdict]:
    """One verdict per period; without counts (a backtest) traffic is not checked."""
    history: deque[float] = deque(maxlen=rule.baseline_periods)
    out: list[PeriodVerdict] = []
    for point in sorted(rates, key=lambda p: p.timestamp):
        calls = None if invocations is None else invocations.get(point.timestamp, 0.0)
        hits = None if interventions is None else interventions.get(point.timestamp, 0.0)
        if calls is not None and calls < max(rule.min_invocations, 1):
            out.append(PeriodVerdict(point.timestamp, Verdict.MISSING, point.value))
            continue
        limits = threshold_for(rule, list(history))
        if limits is None:
            out.append(PeriodVerdict(point.timestamp, Verdict.MISSING, point.value))
            history.append(point.value)
            continue
        threshold, baseline = limits
        breach = point.value > threshold and (hits is None or hits >= rule.min_interventions)
        verdict = Verdict.BREACH if breach else Verdict.OK
        out.append(PeriodVerdict(point.timestamp, verdict, point.value, threshold, baseline))
        if not breach:
            history.append(point.value)
    return out


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
    arn, version = guardrail
    judged = verdicts(rule, share(interventions, invocations), invocations, interventions)
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
        details={
            "metric": "InvocationsIntervened",
            "period_seconds": str(period_seconds),
            "invocations": f"{invocations.get(last.timestamp, 0):.0f}",
            "interventions": f"{interventions.get(last.timestamp, 0):.0f}",
            "policy_types": _describe(policies),
            "content_sources": _describe(sources),
        },
        repeat_interval_minutes=rule.repeat_interval_minutes,
        refire_cooldown_minutes=rule.refire_cooldown_minutes,
    )
