"""Time-of-day and day-of-week profiles: what a series usually does at a given hour.

The history is kept as one summary per clock hour (the weighted median of that hour's calm
values), so a profile of several weeks stays a few hundred numbers. "Usual" at a moment is
the median of the summaries at the same hour of the previous days (daily profile) or at
the same hour of the same weekday of the previous weeks (weekly profile).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from statistics import median

HOUR = 3600
DAY_HOURS = 24
WEEK_HOURS = 7 * DAY_HOURS


class Shape(StrEnum):
    """Which notion of "usual" a baseline uses."""

    FLAT = "flat"  # the recent calm values, whatever the hour
    DAILY = "daily"  # the same hour on previous days
    WEEKLY = "weekly"  # the same hour and weekday on previous weeks


def hour_of(epoch: float) -> int:
    """The clock hour (hours since the epoch) that ``epoch`` seconds fall in."""
    return int(epoch // HOUR)


def weighted_median(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """The value below which half the weight lies (the plain median without weights)."""
    if weights is None or not any(weights):
        return float(median(values))
    pairs = sorted(zip(values, weights, strict=True))
    half = sum(w for _, w in pairs) / 2
    running = 0.0
    for value, weight in pairs:
        running += weight
        if running >= half:
            return value
    return pairs[-1][0]


def usual_at(
    summaries: Mapping[int, float], hour: int, shape: Shape, depth: int, min_samples: int
) -> float | None:
    """The median of the summaries at the same position as ``hour`` in the last ``depth``
    days (DAILY) or weeks (WEEKLY); None with fewer than ``min_samples`` of them."""
    step = DAY_HOURS if shape is Shape.DAILY else WEEK_HOURS
    found = [
        summaries[h] for h in range(hour - step, hour - step * (depth + 1), -step) if h in summaries
    ]
    if len(found) < min_samples:
        return None
    return float(median(found))


def describe(shape: Shape, epoch: float, flat_hours: float) -> str:
    """How "usual" is defined at ``epoch``, e.g. "usual for Monday 14:00"."""
    moment = datetime.fromtimestamp(epoch, UTC)
    if shape is Shape.WEEKLY:
        return f"usual for {moment:%A %H}:00"
    if shape is Shape.DAILY:
        return f"usual for {moment:%H}:00"
    return f"usual (last {flat_hours:.0f} h)"
