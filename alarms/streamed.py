"""Feeding a series to the adaptive baseline: the periods newer than its state, with their
traffic, skipping those with too few calls to judge."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from alarms.adaptive import BaselineSettings, BaselineState, Sample, detect
from alarms.model import MetricPoint
from alarms.periods import PeriodVerdict, Verdict

Counts = Mapping[datetime, float]


def judge_points(
    settings: BaselineSettings,
    state: BaselineState | None,
    points: Sequence[MetricPoint],
    calls: Counts | None,
    min_calls: float,
    period_seconds: int,
    events: Counts | None = None,
    min_events: float = 0,
) -> tuple[list[PeriodVerdict], BaselineState]:
    """Verdicts for the ``points`` newer than ``state``, and the state after them.

    With ``calls`` None traffic is not checked (a backtest of a bare series); otherwise a
    period with fewer than ``min_calls`` calls gets no verdict and the others are weighted
    by their calls. With ``events``, a period with fewer than ``min_events`` of them can be
    calm but never breaches (a near-zero rate is not evidence).
    """
    skipped: list[PeriodVerdict] = []
    samples: list[Sample] = []
    after = None if state is None else state.last
    for point in points:
        if after is not None and point.timestamp.timestamp() <= after:
            continue
        total = None if calls is None else calls.get(point.timestamp, 0.0)
        if total is not None and total < min_calls:
            skipped.append(PeriodVerdict(point.timestamp, Verdict.MISSING, point.value))
            continue
        bad = None if events is None else events.get(point.timestamp, 0.0)
        eligible = bad is None or bad >= min_events
        samples.append(Sample(point.timestamp, point.value, total, eligible))
    judged, state = detect(settings, state, samples, period_seconds)
    return sorted([*judged, *skipped], key=lambda v: v.timestamp), state
