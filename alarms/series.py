"""Shaping an irregular series: its typical step, and resampling into fixed periods."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import pairwise
from statistics import median

from alarms.model import MetricPoint

DEFAULT_STEP_SECONDS = 300


def typical_step(moments: Iterable[datetime]) -> int:
    """The median step between consecutive ``moments`` in seconds (300 for fewer than two)."""
    steps = [(b - a).total_seconds() for a, b in pairwise(sorted(moments))]
    positive = [step for step in steps if step > 0]
    return max(1, round(median(positive))) if positive else DEFAULT_STEP_SECONDS


def resample(points: Sequence[MetricPoint], period_seconds: int) -> list[MetricPoint]:
    """The mean of ``points`` in each period of ``period_seconds`` (aligned to the epoch),
    stamped with the period start; periods without points are left out (a gap)."""
    sums: dict[int, tuple[float, int]] = {}
    for point in points:
        epoch = int(point.timestamp.timestamp())
        start = epoch - epoch % period_seconds
        total, count = sums.get(start, (0.0, 0))
        sums[start] = (total + point.value, count + 1)
    return [
        MetricPoint(timestamp=datetime.fromtimestamp(start, UTC), value=total / count)
        for start, (total, count) in sorted(sums.items())
    ]
