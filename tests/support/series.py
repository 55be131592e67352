"""Small builders for metric points in unit tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from alarms.model import MetricPoint

T0 = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
PERIOD = timedelta(minutes=5)


def points(values: Sequence[float | None], start: datetime = T0) -> list[MetricPoint]:
    """One point per period from ``start``; None leaves a gap."""
    return [
        MetricPoint(timestamp=start + PERIOD * i, value=v)
        for i, v in enumerate(values)
        if v is not None
    ]


def traffic(values: Sequence[float], start: datetime = T0) -> dict[datetime, float]:
    return {start + PERIOD * i: v for i, v in enumerate(values)}
