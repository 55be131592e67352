"""A streaming, explainable baseline: ``state + new points -> verdicts + new state``.

Per point: what is usual (the recent median, or a time-of-day / day-of-week profile when the
history shows one and it explains the series better), how far values usually stray from it
(the MAD of the calm residuals, widened for periods with little traffic), and whether the
point is above usual by more than the margins. A breach holds while the value stays above a
lower threshold (hysteresis). A rise that lasts ``accept_after_minutes`` is accepted as the
new normal: the baseline moves to it and the verdicts say so. Pure: no clock, no I/O; the
state is a plain pydantic model that a store can keep between polls.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from alarms.baseline import median_and_mad
from alarms.model import Frozen
from alarms.periods import PeriodVerdict, Verdict
from alarms.profile import WEEK_HOURS, Shape, describe, hour_of, usual_at, weighted_median

MAX_TRAFFIC_WIDENING = 3.0
NOTE_HOURS = 24  # how long verdicts mention an accepted level shift


class BaselineSettings(Frozen):
    """How sensitive a baseline is; rules map their own settings onto this."""

    relative: float = 0.5
    absolute: float = 0.0
    mad_multiplier: float = 4.0
    floor: float = -math.inf
    ceiling: float | None = None  # a static limit that breaches whatever the baseline
    min_periods: int = 6
    baseline_periods: int = 288
    hysteresis: float = 0.5
    accept_after_minutes: int | None = 360
    profile_days: int = 7
    profile_weeks: int = 4
    profile_gain: float = 0.8
    tail_quantile: float = 0.99  # the margin also clears this quantile of recent residuals
    tail_periods: int = 2016
    breach_periods: int = 3  # hysteresis holds once this many of
    eval_periods: int = 5  # the last ``eval_periods`` crossed the threshold
    calm_to_reset: int = 3  # ...until this many periods in a row are below the lower one


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
    """One period's value, with its traffic (calls) when known."""

    timestamp: datetime
    value: float
    weight: float | None = None


def detect(
    settings: BaselineSettings,
    state: BaselineState | None,
    samples: Iterable[Sample],
    period_seconds: int = 300,
) -> tuple[list[PeriodVerdict], BaselineState]:
    """Verdicts for the samples newer than ``state`` (None: a fresh start), and the state
    after them. Feeding a series in several calls gives the same verdicts as one call."""
    work = BaselineState() if state is None else state.model_copy(deep=True)
    out = []
    for sample in sorted(samples, key=lambda s: s.timestamp):
        epoch = sample.timestamp.timestamp()
        if work.last is not None and epoch <= work.last:
            continue  # already judged on an earlier call
        out.append(_step(settings, work, sample, epoch, period_seconds))
        work.last = epoch
    return out, work


def _step(
    s: BaselineSettings, st: BaselineState, sample: Sample, epoch: float, period: int
) -> PeriodVerdict:
    hour = hour_of(epoch)
    if st.open_hour != hour:
        _close_hour(s, st, hour)
    usuals = _usuals(s, st, hour)
    if Shape.FLAT not in usuals:
        if s.ceiling is not None and sample.value > s.ceiling:
            return PeriodVerdict(sample.timestamp, Verdict.BREACH, sample.value, s.ceiling)
        _remember(s, st, sample, usuals)
        _observe(s, st, sample.value, usuals)
        return PeriodVerdict(sample.timestamp, Verdict.MISSING, sample.value)
    shape = _best_shape(s, st, usuals)
    usual = usuals[shape]
    widen = _widening(st, sample.weight)
    spread = st.spreads.get(shape, 0.0) * widen
    tail = st.tails.get(shape, 0.0) * widen
    margin = max(s.relative * abs(usual), s.absolute, s.mad_multiplier * spread, tail)
    threshold = max(s.floor, usual + margin)
    lower = max(s.floor, usual + s.hysteresis * margin)
    if s.ceiling is not None:
        threshold, lower = min(threshold, s.ceiling), min(lower, s.ceiling)
    breach = _hysteresis(s, st, sample.value > threshold, sample.value > lower)
    if not breach:
        _remember(s, st, sample, usuals)
    _observe(s, st, sample.value, usuals)
    _track_shift(s, st, sample, epoch, elevated=breach, usual=usual)
    return PeriodVerdict(
        sample.timestamp,
        Verdict.BREACH if breach else Verdict.OK,
        sample.value,
        threshold,
        usual,
        usual=describe(shape, epoch, len(st.recent) * period / 3600),
        note=_note(s, st, epoch),
    )


def _hysteresis(s: BaselineSettings, st: BaselineState, crossed: bool, above_lower: bool) -> bool:
    """Breach above the threshold; once ``breach_periods`` of the last ``eval_periods``
    did, keep breaching above the lower threshold until ``calm_to_reset`` periods are not."""
    st.crossed = (
        [*st.crossed[-(s.eval_periods - 1) :], crossed] if s.eval_periods > 1 else [crossed]
    )
    if sum(st.crossed) >= s.breach_periods:
        st.holding = True
    if not st.holding:
        return crossed
    st.hold_calm = 0 if above_lower else st.hold_calm + 1
    if st.hold_calm >= s.calm_to_reset:
        st.holding, st.crossed, st.hold_calm = False, [], 0
    return crossed or above_lower


def _close_hour(s: BaselineSettings, st: BaselineState, hour: int) -> None:
    if st.open_hour is not None and st.open_values:
        st.hours[st.open_hour] = weighted_median(st.open_values, st.open_weights or None)
    keep = hour - WEEK_HOURS * s.profile_weeks - 1
    st.hours = {h: v for h, v in st.hours.items() if h >= keep}
    st.open_hour, st.open_values, st.open_weights = hour, [], []
    _refresh_spreads(s, st)


def _refresh_spreads(s: BaselineSettings, st: BaselineState) -> None:
    for shape, residuals in st.residuals.items():
        if len(residuals) >= s.baseline_periods // 2:
            centre, st.spreads[shape] = median_and_mad(residuals)
            ranked = sorted(residuals)
            st.tails[shape] = ranked[int(s.tail_quantile * (len(ranked) - 1))] - centre
    if st.recent:
        st.spreads[Shape.FLAT] = median_and_mad(st.recent)[1]


def _usuals(s: BaselineSettings, st: BaselineState, hour: int) -> dict[Shape, float]:
    usuals: dict[Shape, float] = {}
    if len(st.recent) >= s.min_periods:
        centre, spread = median_and_mad(st.recent)
        usuals[Shape.FLAT] = centre
        if len(st.recent) < s.baseline_periods:  # a young baseline learns every period
            st.spreads[Shape.FLAT] = spread
    for shape, depth in ((Shape.DAILY, s.profile_days), (Shape.WEEKLY, s.profile_weeks)):
        found = usual_at(st.hours, hour, shape, depth, min_samples=2)
        if found is not None:
            usuals[shape] = found
    return usuals


def _best_shape(s: BaselineSettings, st: BaselineState, usuals: dict[Shape, float]) -> Shape:
    best = Shape.FLAT
    for shape in (Shape.DAILY, Shape.WEEKLY):
        ready = len(st.residuals.get(shape, ())) >= s.baseline_periods // 2
        known = shape in usuals and shape in st.spreads and best in st.spreads
        if ready and known and st.spreads[shape] < s.profile_gain * st.spreads[best]:
            best = shape
    return best


def _widening(st: BaselineState, weight: float | None) -> float:
    if weight is None or not st.traffic:
        return 1.0
    typical = sorted(st.traffic)[len(st.traffic) // 2]
    return min(MAX_TRAFFIC_WIDENING, max(1.0, math.sqrt(typical / max(weight, 1.0))))


def _remember(
    s: BaselineSettings, st: BaselineState, sample: Sample, usuals: dict[Shape, float]
) -> None:
    cap = s.baseline_periods
    st.recent = [*st.recent[-(cap - 1) :], sample.value]
    st.open_values.append(sample.value)
    if sample.weight is not None:
        st.open_weights.append(sample.weight)
        st.traffic = [*st.traffic[-(cap - 1) :], sample.weight]


def _observe(
    s: BaselineSettings, st: BaselineState, value: float, usuals: dict[Shape, float]
) -> None:
    """Every value, breaching or not, joins the residuals that measure the tails."""
    cap = s.tail_periods
    for shape, usual in usuals.items():
        kept = st.residuals.get(shape, [])[-(cap - 1) :]
        st.residuals[shape] = [*kept, value - usual]


def _track_shift(
    s: BaselineSettings,
    st: BaselineState,
    sample: Sample,
    epoch: float,
    *,
    elevated: bool,
    usual: float,
) -> None:
    if not elevated:
        st.calm_run += 1
        if st.calm_run >= s.calm_to_reset:
            st.shift_since, st.shift_values = None, []
        return
    st.calm_run = 0
    st.shift_since = epoch if st.shift_since is None else st.shift_since
    st.shift_values = [*st.shift_values[-(s.baseline_periods - 1) :], sample.value]
    if s.accept_after_minutes is None or epoch - st.shift_since < s.accept_after_minutes * 60:
        return
    level = median_and_mad(st.shift_values[-max(s.min_periods, len(st.shift_values) // 2) :])[0]
    delta = level - usual
    st.recent = [value + delta for value in st.recent]
    st.hours = {h: value + delta for h, value in st.hours.items()}
    st.open_values = [value + delta for value in st.open_values]
    st.accepted_at, st.accepted_from, st.accepted_to = epoch, usual, level
    st.shift_since, st.shift_values = None, []
    st.holding, st.crossed, st.hold_calm = False, [], 0
    _refresh_spreads(s, st)


def _note(s: BaselineSettings, st: BaselineState, epoch: float) -> str:
    if st.accepted_at is None or epoch - st.accepted_at > NOTE_HOURS * 3600:
        return ""
    when = datetime.fromtimestamp(st.accepted_at, UTC)
    return (
        f"level shift accepted as the new normal at {when:%Y-%m-%d %H:%M} UTC after "
        f"{s.accept_after_minutes} min above usual "
        f"({st.accepted_from:,.0f} -> {st.accepted_to:,.0f})"
    )
