"""The latency-spike rule: each period against the model's own adaptive baseline.

The baseline (``alarms.adaptive``) knows the model's usual latency for the hour, how far it
usually strays, and accepts a lasting shift as the new normal; this module maps the rule's
settings onto it, skips periods with too little traffic and turns verdicts into an alert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from alarms.adaptive import BaselineSettings, BaselineState
from alarms.adaptive_fields import adaptive_settings
from alarms.model import Evaluation, MetricPoint
from alarms.periods import PeriodVerdict, Verdict, replay
from alarms.rules import LatencySpikeRule
from alarms.streamed import judge_points

TREND_POINTS = 24  # two hours of 5-minute periods on the alert's sparkline
DROP_MEANING = (
    "latency fell well below usual: calls may be failing fast, or a route may be "
    "bypassing the model (page_on_drops = false turns this off)"
)
REFERENCE_PERIOD = 300  # the M of N and K calm counts are 5-minute periods


def in_time(rule: LatencySpikeRule, period_seconds: int) -> LatencySpikeRule:
    """``rule`` with its period counts rescaled so they cover the same minutes on a series
    of ``period_seconds`` periods: 3 of 5 five-minute periods is 1 of 1 hourly period."""
    if period_seconds == REFERENCE_PERIOD:
        return rule
    scale = REFERENCE_PERIOD / max(period_seconds, 1)
    breach = max(1, round(rule.breach_periods * scale))
    return rule.model_copy(
        update={
            "breach_periods": breach,
            "eval_periods": max(breach, round(rule.eval_periods * scale)),
            "resolve_periods": max(1, round(rule.resolve_periods * scale)),
        }
    )


def settings_for(rule: LatencySpikeRule) -> BaselineSettings:
    """The baseline settings of ``rule``."""
    return adaptive_settings(
        rule,
        rule,
        relative=rule.relative_margin,
        absolute=rule.absolute_margin_ms,
        ceiling=rule.max_ms,
        drop=rule.drop_margin if rule.page_on_drops else None,
        spike_margins=rule.spike_margins,
    )


def judge(
    rule: LatencySpikeRule,
    state: BaselineState | None,
    latency: Sequence[MetricPoint],
    invocations: Mapping[datetime, float] | None,
    period_seconds: int = 300,
) -> tuple[list[PeriodVerdict], BaselineState]:
    """Verdicts for the periods newer than ``state``, and the state to keep for next time.

    With ``invocations`` None traffic is not checked; otherwise a period with fewer than
    ``min_invocations`` calls gets no verdict and the others are weighted by their calls.
    """
    timed = in_time(rule, period_seconds)
    return judge_points(
        settings_for(timed), state, latency, invocations, rule.min_invocations, period_seconds
    )


def verdicts(
    rule: LatencySpikeRule,
    latency: Sequence[MetricPoint],
    invocations: Mapping[datetime, float] | None,
    period_seconds: int = 300,
) -> list[PeriodVerdict]:
    """One verdict per latency period, from a fresh baseline."""
    return judge(rule, None, latency, invocations, period_seconds)[0]


def evaluate(
    rule: LatencySpikeRule,
    model_id: str,
    latency: Sequence[MetricPoint],
    invocations: Mapping[datetime, float],
    period_seconds: int,
) -> Evaluation:
    """Whether ``model_id`` has a latency spike at the end of the data."""
    return evaluation_of(
        rule,
        model_id,
        verdicts(rule, latency, invocations, period_seconds),
        invocations,
        period_seconds,
    )


def evaluation_of(
    rule: LatencySpikeRule,
    model_id: str,
    judged: Sequence[PeriodVerdict],
    invocations: Mapping[datetime, float],
    period_seconds: int,
) -> Evaluation:
    """The alert state at the end of ``judged``: value, usual, threshold and onset."""
    states = replay(judged, in_time(rule, period_seconds))
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
    if final.firing and last.drop:
        ratio += ", a drop"
    details = {
        "metric": rule.metric,
        "period_seconds": str(period_seconds),
        "invocations": f"{invocations.get(last.timestamp, 0):.0f}",
        "trend": trend(judged),
    }
    if baseline is not None and last.usual:
        details["usual"] = f"{last.usual}: {baseline:,.0f} ms"
    if last.note:
        details["level_shift"] = last.note
    if final.firing and last.drop:
        details["drop"] = DROP_MEANING
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
        summary=f"{rule.metric} {value:,.0f} ms ({ratio})",
        repeat_interval_minutes=rule.repeat_interval_minutes,
        refire_cooldown_minutes=rule.refire_cooldown_minutes,
        details=details,
    )


def trend(judged: Sequence[PeriodVerdict], points: int = TREND_POINTS) -> str:
    """The last ``points`` period values, oldest first, comma-separated ("" for a gap)."""
    return ",".join("" if v.value is None else f"{v.value:.0f}" for v in judged[-points:])
