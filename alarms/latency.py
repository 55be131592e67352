"""The latency-spike rule: each period against the model's own trailing baseline."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from datetime import datetime

from alarms.baseline import threshold_above
from alarms.model import Evaluation, MetricPoint
from alarms.periods import PeriodVerdict, Verdict, replay
from alarms.rules import LatencySpikeRule

TREND_POINTS = 24  # two hours of 5-minute periods on the alert's sparkline


def threshold_for(rule: LatencySpikeRule, history: Sequence[float]) -> tuple[float, float] | None:
    """(threshold, baseline) from calm history, or None while history is too short."""
    return threshold_above(
        history,
        rule.min_baseline_periods,
        relative=rule.relative_margin,
        absolute=rule.absolute_margin_ms,
        mad_multiplier=rule.mad_multiplier,
    )


def verdicts(
    rule: LatencySpikeRule,
    latency: Sequence[MetricPoint],
    invocations: Mapping[datetime, float] | None,
    period_seconds: int = 300,
) -> list[PeriodVerdict]:
    """One verdict per latency period. With ``invocations`` None, traffic is not checked."""
    history: deque[float] = deque(maxlen=rule.baseline_periods)
    out: list[PeriodVerdict] = []
    for point in sorted(latency, key=lambda p: p.timestamp):
        traffic = None if invocations is None else invocations.get(point.timestamp, 0.0)
        if traffic is not None and traffic < rule.min_invocations:
            out.append(PeriodVerdict(point.timestamp, Verdict.MISSING, point.value))
            continue
        limits = threshold_for(rule, list(history))
        ceiling = rule.max_ms
        threshold = limits[0] if limits else None
        if ceiling is not None:
            threshold = ceiling if threshold is None else min(threshold, ceiling)
        baseline = limits[1] if limits else None
        if threshold is None:
            out.append(PeriodVerdict(point.timestamp, Verdict.MISSING, point.value))
            history.append(point.value)
            continue
        breach = point.value > threshold
        out.append(
            PeriodVerdict(
                point.timestamp,
                Verdict.BREACH if breach else Verdict.OK,
                point.value,
                threshold,
                baseline,
            )
        )
        if not breach:
            history.append(point.value)
    return out


def evaluate(
    rule: LatencySpikeRule,
    model_id: str,
    latency: Sequence[MetricPoint],
    invocations: Mapping[datetime, float],
    period_seconds: int,
) -> Evaluation:
    """Whether ``model_id`` has a latency spike at the end of the data."""
    judged = verdicts(rule, latency, invocations)
    states = replay(judged, rule)
    labels = {"model": model_id}
    if rule.metric != "InvocationLatency":
        labels["metric"] = rule.metric  # a second latency alert per model, e.g. TTFT
    last = next((v for v in reversed(judged) if v.verdict is not Verdict.MISSING), None)
    if not states or last is None:
        return Evaluation(rule=rule.kind, labels=labels, firing=False, summary="no data")
    final = states[-1]
    value = last.value or 0.0
    baseline = last.baseline
    ratio = f"{value / baseline:.1f}x usual" if baseline else "no baseline yet"
    summary = f"{rule.metric} {value:,.0f} ms ({ratio})"
    return Evaluation(
        rule=rule.kind,
        labels=labels,
        firing=final.firing,
        severity=rule.severity,
        value=value,
        threshold=last.threshold,
        baseline=baseline,
        unit="ms",
        onset=final.since,
        period_end=last.timestamp,
        summary=summary,
        repeat_interval_minutes=rule.repeat_interval_minutes,
        refire_cooldown_minutes=rule.refire_cooldown_minutes,
        details={
            "metric": rule.metric,
            "period_seconds": str(period_seconds),
            "invocations": f"{invocations.get(last.timestamp, 0):.0f}",
            "trend": trend(judged),
        },
    )


def trend(judged: Sequence[PeriodVerdict], points: int = TREND_POINTS) -> str:
    """The last ``points`` period values, oldest first, comma-separated ("" for a gap)."""
    return ",".join("" if v.value is None else f"{v.value:.0f}" for v in judged[-points:])
