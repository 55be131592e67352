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
from statistics import median

from alarms.baseline import median_and_mad, median_and_mad_sorted
from alarms.baseline_state import (
    RESIDUAL_DIGITS,
    BaselineSettings,
    BaselineState,
    Sample,
    kept,
)
from alarms.bounds import bounds
from alarms.level_shift import hold, note, track_shift
from alarms.periods import PeriodVerdict, Verdict
from alarms.profile import WEEK_HOURS, Shape, describe, hour_of, usual_at, weighted_median

__all__ = ["BaselineSettings", "BaselineState", "Sample", "detect"]

MAX_TRAFFIC_WIDENING = 3.0


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
        if s.ceiling is not None and sample.value > s.ceiling and sample.eligible:
            return PeriodVerdict(sample.timestamp, Verdict.BREACH, sample.value, s.ceiling)
        _remember(s, st, sample, usuals)
        _observe(s, st, sample.value, usuals)
        # a young baseline judges nothing; where a ceiling is set, it judges meanwhile
        young = Verdict.MISSING if s.ceiling is None else Verdict.OK
        return PeriodVerdict(sample.timestamp, young, sample.value, s.ceiling)
    shape = _best_shape(s, st, usuals)
    usual = usuals[shape]
    lines = bounds(s, st, shape, usual, _widening(st, sample.weight))
    breach = hold(
        s,
        st,
        sample.eligible and lines.crossed(sample.value),
        sample.eligible and lines.beyond_lower(sample.value),
        lines.severe(sample.value),
    )
    if not breach:
        _remember(s, st, sample, usuals)
    _observe(s, st, sample.value, usuals)
    if track_shift(s, st, sample.value, epoch, elevated=breach, usual=usual):
        _refresh_spreads(s, st)
    return PeriodVerdict(
        sample.timestamp,
        Verdict.BREACH if breach else Verdict.OK,
        sample.value,
        lines.threshold,
        usual,
        usual=describe(shape, epoch, len(st.recent) * period / 3600),
        note=note(s, st, epoch),
        drop=breach and sample.value < usual,
        severe=breach and lines.severe(sample.value),
    )


def _close_hour(s: BaselineSettings, st: BaselineState, hour: int) -> None:
    if st.open_hour is not None and st.open_values:
        st.hours[st.open_hour] = kept(weighted_median(st.open_values, st.open_weights or None))
    keep = hour - WEEK_HOURS * s.profile_weeks - 1
    st.hours = {h: v for h, v in st.hours.items() if h >= keep}
    st.open_hour, st.open_values, st.open_weights = hour, [], []
    _refresh_spreads(s, st)


def _refresh_spreads(s: BaselineSettings, st: BaselineState) -> None:
    for shape, residuals in st.residuals.items():
        if len(residuals) >= s.baseline_periods // 2:
            ranked = sorted(residuals)
            centre, st.spreads[shape] = median_and_mad_sorted(ranked)
            st.tails[shape] = ranked[int(s.tail_quantile * (len(ranked) - 1))] - centre
            st.floors[shape] = centre - ranked[int((1 - s.tail_quantile) * (len(ranked) - 1))]
    if st.recent:
        st.spreads[Shape.FLAT] = median_and_mad(st.recent)[1]


def _usuals(s: BaselineSettings, st: BaselineState, hour: int) -> dict[Shape, float]:
    usuals: dict[Shape, float] = {}
    if len(st.recent) >= s.min_periods:
        if len(st.recent) < s.baseline_periods:  # a young baseline learns every period
            usuals[Shape.FLAT], st.spreads[Shape.FLAT] = median_and_mad(st.recent)
        else:
            usuals[Shape.FLAT] = median(st.recent)
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
    value = kept(sample.value)
    _push(st.recent, value, cap)
    st.open_values.append(value)
    if sample.weight is not None:
        weight = kept(sample.weight)
        st.open_weights.append(weight)
        _push(st.traffic, weight, cap)


def _observe(
    s: BaselineSettings, st: BaselineState, value: float, usuals: dict[Shape, float]
) -> None:
    """Every value, breaching or not, joins the residuals that measure the tails."""
    cap = s.tail_periods
    for shape, usual in usuals.items():
        _push(st.residuals.setdefault(shape, []), kept(value - usual, RESIDUAL_DIGITS), cap)


def _push(ring: list[float], value: float, cap: int) -> None:
    ring.append(value)
    if len(ring) > cap:
        del ring[: len(ring) - cap]
