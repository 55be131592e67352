"""The settings every rule judged on an adaptive baseline shares, and their mapping onto it."""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import Field

from alarms.baseline_state import BaselineSettings
from alarms.model import Frozen


class AdaptiveFields(Frozen):
    """How a rule's adaptive baseline learns "usual" and lets a breach go."""

    baseline_periods: int = Field(default=288, ge=3, description="Trailing periods in baseline.")
    min_baseline_periods: int = Field(default=6, ge=3)
    mad_multiplier: float = Field(default=4.0, ge=0)
    hysteresis: float = Field(
        default=0.3,
        ge=0,
        le=1,
        description="While breaching, a period stays a breach until it falls below usual plus "
        "this share of the margin (1 = no hysteresis).",
    )
    accept_shift_after_minutes: int | None = Field(
        default=360,
        ge=5,
        description="A rise that lasts this long is accepted as the new normal and the alert "
        "resolves, saying so; unset: never.",
    )
    tail_quantile: float = Field(
        default=0.99,
        ge=0.5,
        le=1,
        description="The margin also clears this quantile of the last week of deviations "
        "from usual, so a series with large ordinary bursts does not page on each.",
    )
    profile_days: int = Field(
        default=7, ge=2, description="Days of history behind the time-of-day profile."
    )
    profile_weeks: int = Field(
        default=4, ge=2, description="Weeks of history behind the day-of-week profile."
    )
    profile_gain: float = Field(
        default=0.8,
        gt=0,
        le=1,
        description="A profile is used when it narrows the spread of the calm values to "
        "this share of the simpler baseline's or less.",
    )


class Timed(Protocol):
    """When a rule fires and resolves: M of N breaching periods, K calm ones."""

    @property
    def breach_periods(self) -> int: ...

    @property
    def eval_periods(self) -> int: ...

    @property
    def resolve_periods(self) -> int: ...


def adaptive_settings(rule: AdaptiveFields, timed: Timed, **specific: Any) -> BaselineSettings:
    """The baseline settings of ``rule`` firing and resolving as ``timed`` says (usually the
    rule itself); ``specific`` adds the margins of its kind."""
    return BaselineSettings(
        mad_multiplier=rule.mad_multiplier,
        min_periods=rule.min_baseline_periods,
        baseline_periods=rule.baseline_periods,
        hysteresis=rule.hysteresis,
        accept_after_minutes=rule.accept_shift_after_minutes,
        profile_days=rule.profile_days,
        profile_weeks=rule.profile_weeks,
        profile_gain=rule.profile_gain,
        tail_quantile=rule.tail_quantile,
        breach_periods=timed.breach_periods,
        eval_periods=timed.eval_periods,
        calm_to_reset=timed.resolve_periods,
        **specific,
    )
