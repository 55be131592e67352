"""Shares of calls (errors, throttles, guardrail interventions) on the adaptive baseline.

A share only rises to trouble: drops are not judged. A period breaches above usual by the
rule's margins, and never below the rule's ``min_rate`` nor with fewer bad calls than its
minimum count; a rate rule's ``hard_max_rate`` breaches whatever is usual (on the M of N,
not at once).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from alarms.adaptive import BaselineSettings, BaselineState
from alarms.adaptive_fields import adaptive_settings
from alarms.model import MetricPoint
from alarms.periods import PeriodVerdict
from alarms.rules import ErrorRateRule, GuardrailSurgeRule, ThrottleRateRule
from alarms.streamed import judge_points

Counts = Mapping[datetime, float]
ShareRule = ErrorRateRule | ThrottleRateRule | GuardrailSurgeRule


def share_settings(rule: ShareRule) -> BaselineSettings:
    """The adaptive baseline of ``rule``."""
    return adaptive_settings(
        rule,
        rule,
        relative=rule.relative_margin,
        absolute=rule.absolute_margin,
        floor=rule.min_rate,
        ceiling=None if isinstance(rule, GuardrailSurgeRule) else rule.hard_max_rate,
        ceiling_at_once=False,
        drop=None,
        value_format=".1%",
    )


def judge_share(
    rule: ShareRule,
    state: BaselineState | None,
    rates: Sequence[MetricPoint],
    calls: Counts | None = None,
    events: Counts | None = None,
    period_seconds: int = 300,
) -> tuple[list[PeriodVerdict], BaselineState]:
    """Verdicts for the periods newer than ``state``, and the state to keep. Without
    ``calls``/``events`` (a backtest of a bare share) the traffic minimums are not checked."""
    if isinstance(rule, GuardrailSurgeRule):
        least_calls, least_events = rule.min_invocations, rule.min_interventions
    else:
        least_calls, least_events = rule.min_attempts, rule.min_events
    ordered = sorted(rates, key=lambda p: p.timestamp)
    return judge_points(
        share_settings(rule),
        state,
        ordered,
        calls,
        max(least_calls, 1),
        period_seconds,
        events,
        least_events,
    )
