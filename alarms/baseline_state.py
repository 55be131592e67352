"""What the adaptive baseline is told (settings) and what it remembers (state)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field

from alarms.model import Frozen
from alarms.profile import Shape

VALUE_DIGITS = 4  # significant digits the state keeps of values, traffic and hour summaries
RESIDUAL_DIGITS = 3  # ...and of deviations from usual (they only set margins)


def kept(value: float, digits: int = VALUE_DIGITS) -> float:
    """``value`` to ``digits`` significant digits, as the state keeps it: rounding when a
    number is remembered (not when it is stored) keeps the state small and the verdicts the
    same whether or not the state went through the store."""
    return float(f"{value:.{digits}g}")


class BaselineSettings(Frozen):
    """How sensitive a baseline is; rules map their own settings onto this."""

    relative: float = 0.5
    absolute: float = 0.0
    mad_multiplier: float = 4.0
    floor: float = -math.inf
    ceiling: float | None = None  # a static limit that breaches whatever the baseline
    ceiling_at_once: bool = True  # one period above the ceiling fires (else M of N)
    min_periods: int = 6
    baseline_periods: int = 288
    hysteresis: float = 0.3
    accept_after_minutes: int | None = 360
    profile_days: int = 7
    profile_weeks: int = 4
    profile_gain: float = 0.8
    tail_quantile: float = 0.99  # the margin also clears this quantile of recent residuals
    tail_periods: int = 2016
    drop: float | None = 0.5  # a fall below usual x (1 - this) breaches too; None: rises only
    spike_margins: float | None = None  # one period this many margins above usual is severe
    breach_periods: int = 3  # hysteresis holds once this many of
    eval_periods: int = 5  # the last ``eval_periods`` crossed the threshold
    calm_to_reset: int = 3  # ...until this many periods in a row are below the lower one
    value_format: str = ",.0f"  # how notes show a value, e.g. ".1%" for a share of calls


class BaselineState(BaseModel):
    """Everything the baseline remembers; serialise with ``model_dump(mode="json")``."""

    last: float | None = None  # epoch seconds of the last point seen
    recent: list[float] = Field(default_factory=list)  # calm values, newest last
    traffic: list[float] = Field(default_factory=list)  # calls per calm period
    hours: dict[int, float] = Field(default_factory=dict)  # clock hour -> its calm median
    open_hour: int | None = None
    open_values: list[float] = Field(default_factory=list)
    open_weights: list[float] = Field(default_factory=list)
    residuals: dict[Shape, list[float]] = Field(default_factory=dict)
    spreads: dict[Shape, float] = Field(default_factory=dict)  # refreshed each hour
    tails: dict[Shape, float] = Field(default_factory=dict)  # refreshed each hour
    floors: dict[Shape, float] = Field(default_factory=dict)  # the low tail, each hour
    crossed: list[bool] = Field(default_factory=list)  # the last periods above threshold
    holding: bool = False  # breaching on the lower threshold (hysteresis)
    hold_calm: int = 0  # periods in a row below the lower threshold while holding
    shift_since: float | None = None
    shift_values: list[float] = Field(default_factory=list)
    calm_run: int = 0
    accepted_at: float | None = None
    accepted_from: float = 0.0
    accepted_to: float = 0.0


@dataclass(frozen=True, slots=True)
class Sample:
    """One period's value, with its traffic (calls) when known. A period that is not
    ``eligible`` (e.g. too few bad calls to count as evidence) may be calm but never breaches."""

    timestamp: datetime
    value: float
    weight: float | None = None
    eligible: bool = True
