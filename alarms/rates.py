"""Error-rate and throttle-rate rules: a share of calls per period, judged against the
model's own adaptive baseline (with a hard ceiling), or against a fixed ceiling alone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from statistics import median

from alarms.model import Evaluation, MetricPoint
from alarms.periods import PeriodVerdict, Verdict, replay
from alarms.rules import ErrorRateRule, ThrottleRateRule
from alarms.shares import judge_share

Counts = Mapping[datetime, float]
RateRule = ErrorRateRule | ThrottleRateRule


def attempts(invocations: Counts, throttles: Counts) -> dict[datetime, float]:
    """Calls per period: throttled calls count neither as invocations nor as errors."""
    return {
        ts: invocations.get(ts, 0.0) + throttles.get(ts, 0.0)
        for ts in sorted(set(invocations) | set(throttles))
    }


def share(events: Counts, calls: Counts) -> list[MetricPoint]:
    """``events / calls`` for every period with calls."""
    return [
        MetricPoint(timestamp=ts, value=events.get(ts, 0.0) / total)
        for ts, total in sorted(calls.items())
        if total > 0
    ]


def verdicts(
    rule: RateRule,
    rates: Sequence[MetricPoint],
    calls: Counts | None = None,
    events: Counts | None = None,
) -> list[PeriodVerdict]:
    """One verdict per period, from a fresh baseline in adaptive mode. Without
    ``calls``/``events`` (a backtest of a bare rate series) the traffic minimums are not
    checked."""
    if rule.mode == "adaptive":
        return judge_share(rule, None, rates, calls, events)[0]
    out = []
    for point in sorted(rates, key=lambda p: p.timestamp):
        total = None if calls is None else calls.get(point.timestamp, 0.0)
        bad = None if events is None else events.get(point.timestamp, 0.0)
        if total is not None and (total <= 0 or total < rule.min_attempts):
            out.append(PeriodVerdict(point.timestamp, Verdict.MISSING, point.value))
            continue
        breach = point.value > rule.max_rate and (bad is None or bad >= rule.min_events)
        verdict = Verdict.BREACH if breach else Verdict.OK
        out.append(PeriodVerdict(point.timestamp, verdict, point.value, rule.max_rate))
    return out


def evaluate(
    rule: RateRule,
    model_id: str,
    events: Counts,
    calls: Counts,
    period_seconds: int,
    breakdown: Mapping[str, Counts] | None = None,
) -> Evaluation:
    """Whether ``model_id``'s error or throttle share is too high at the end of the data.

    ``breakdown`` names the event series summed into ``events`` (e.g. server and client
    errors) so the alert can say which drove it.
    """
    judged = verdicts(rule, share(events, calls), calls, events)
    return evaluation_of(rule, model_id, judged, events, calls, period_seconds, breakdown)


def evaluation_of(
    rule: RateRule,
    model_id: str,
    judged: Sequence[PeriodVerdict],
    events: Counts,
    calls: Counts,
    period_seconds: int,
    breakdown: Mapping[str, Counts] | None = None,
) -> Evaluation:
    """The alert state at the end of ``judged``: rate, usual, threshold and onset."""
    states = replay(judged, rule)
    labels = {"model": model_id}
    last = next((v for v in reversed(judged) if v.verdict is not Verdict.MISSING), None)
    if not states or last is None:
        return Evaluation(rule=rule.kind, labels=labels, firing=False, summary="no data")
    if rule.mode == "adaptive":
        usual = last.baseline
    else:
        calm = [v.value for v in judged if v.verdict is Verdict.OK and v.value is not None]
        usual = median(calm) if calm else None
    rate = last.value or 0.0
    what = "server errors" if rule.kind == "error_rate" else "throttled"
    if isinstance(rule, ErrorRateRule) and rule.include_client_errors:
        what = "errors"
    usual_text = f" (usual {usual:.1%})" if usual is not None else ""
    details = {
        "metric": "InvocationThrottles"
        if rule.kind == "throttle_rate"
        else "InvocationServerErrors",
        "period_seconds": str(period_seconds),
        "invocations": f"{calls.get(last.timestamp, 0):.0f}",
        "events": f"{events.get(last.timestamp, 0):.0f}",
    }
    for name, series in (breakdown or {}).items():
        details[name] = f"{series.get(last.timestamp, 0):.0f}"
    if usual is not None and last.usual:
        details["usual"] = f"{last.usual}: {usual:.1%} {what}"
    if last.note:
        details["level_shift"] = last.note
    return Evaluation(
        rule=rule.kind,
        labels=labels,
        firing=states[-1].firing,
        severity=rule.severity,
        value=rate * 100,
        threshold=None if last.threshold is None else last.threshold * 100,
        baseline=None if usual is None else usual * 100,
        unit="%",
        onset=states[-1].since,
        period_end=last.timestamp,
        summary=f"{what} {rate:.1%} of {calls.get(last.timestamp, 0):,.0f} calls{usual_text}",
        details=details,
        repeat_interval_minutes=rule.repeat_interval_minutes,
        refire_cooldown_minutes=rule.refire_cooldown_minutes,
    )
