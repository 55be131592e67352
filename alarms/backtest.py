"""Replaying one series through a rule exactly as the poller judges it, period by period.

Used by ``genai-ops backtest`` to tune a rule on history. Single-series rules only: the
traffic minimums (invocations, calls, interventions) are not checked, since a single series
does not carry traffic; everything else (baseline, margins, M of N, K calm) is the same
code the poller runs, and so is the alert lifecycle (re-fire cooldown, repeats in the
thread): a page is a new top-level Slack message, what a team would actually receive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from alarms import guardrails, latency, rates
from alarms.lifecycle import Notice, decide, mark_notified
from alarms.model import Alert, Evaluation, MetricPoint
from alarms.periods import PeriodState, PeriodVerdict, replay
from alarms.rules import (
    ErrorRateRule,
    GuardrailSurgeRule,
    LatencySpikeRule,
    MOfN,
    Rule,
    ThrottleRateRule,
)

# Rule kind -> what the single series' value is.
BACKTEST_RULES: dict[str, str] = {
    "latency_spike": "latency in ms of each period",
    "error_rate": "share of calls that failed, 0 to 1",
    "throttle_rate": "share of calls throttled, 0 to 1",
    "guardrail_surge": "share of guardrail calls intervened on, 0 to 1",
}


def judge(rule: Rule, series: Sequence[MetricPoint]) -> list[PeriodVerdict]:
    """Per-period verdicts of ``rule`` on ``series`` (no traffic checks)."""
    if isinstance(rule, LatencySpikeRule):
        return latency.verdicts(rule, series, None)
    if isinstance(rule, ErrorRateRule | ThrottleRateRule):
        return rates.verdicts(rule, series)
    if isinstance(rule, GuardrailSurgeRule):
        return guardrails.verdicts(rule, series)
    raise ValueError(
        f"rule {rule.kind!r} cannot be backtested on one series; "
        f"backtest supports {', '.join(BACKTEST_RULES)}"
    )


def backtest(rule: Rule, series: Sequence[MetricPoint]) -> list[PeriodState]:
    """Whether the alert fires, and starts firing, at each period of ``series``."""
    judged = judge(rule, series)  # raises for rules that need more than one series
    assert isinstance(rule, MOfN)
    return replay(judged, rule)


@dataclass(frozen=True, slots=True)
class PagedState:
    """One judged period: whether the rule fires, and whether a new page went out."""

    timestamp: datetime
    firing: bool
    page: bool


def replay_pages(
    rule: Rule, series: Sequence[MetricPoint], period_seconds: int = 300
) -> list[PagedState]:
    """``backtest`` followed by the alert lifecycle, with each period's end as ``now``."""
    if isinstance(rule, LatencySpikeRule):
        judged = latency.verdicts(rule, series, None, period_seconds)
        states = replay(judged, latency.in_time(rule, period_seconds))
    else:
        states = backtest(rule, series)
    alert: Alert | None = None
    out: list[PagedState] = []
    for state in states:
        evaluation = Evaluation(
            rule=rule.kind,
            labels={},
            firing=state.firing,
            onset=state.since,
            repeat_interval_minutes=rule.repeat_interval_minutes,
            refire_cooldown_minutes=rule.refire_cooldown_minutes,
        )
        now = state.timestamp + timedelta(seconds=period_seconds)  # the period's end
        decision = decide(alert, evaluation, now)
        if decision.alert is not None:
            alert = decision.alert
        if decision.notice is not None and alert is not None:
            alert = mark_notified(alert, now)
        out.append(PagedState(state.timestamp, state.firing, decision.notice is Notice.FIRING))
    return out
