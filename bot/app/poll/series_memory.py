"""What one judged series (a rule on one subject) remembers between polls.

A poll reads only from the last read (minus the overlap) to the newest complete period and
merges that into the remembered window; a series without memory reads the whole look-back
once (the warm-up). Latency rules also keep their streaming baseline and recent verdicts, so
a period is judged once: a late datapoint for a period already judged is not judged again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from alarms.adaptive import BaselineState
from alarms.model import MetricPoint, MetricSeries, SeriesKey
from alarms.periods import PeriodVerdict, Verdict

Data = Mapping[SeriesKey, MetricSeries]


class SeriesMemory(BaseModel):
    """The remembered window of raw points, and for streaming rules baseline and verdicts."""

    read_until: datetime  # the end of the newest read (the newest complete period's end)
    window: dict[str, list[tuple[float, float]]] = Field(default_factory=dict)  # epoch, value
    baseline: BaselineState | None = None
    verdicts: list[list[Any]] = Field(default_factory=list)

    def judged_until(self) -> float | None:
        """The start (epoch) of the newest period judged: the newest verdict for streaming
        rules, else the newest remembered point; None when nothing was judged yet."""
        if self.baseline is not None:
            return self.verdicts[-1][0] if self.verdicts else self.baseline.last
        return max((points[-1][0] for points in self.window.values() if points), default=None)

    def judged(self) -> list[PeriodVerdict]:
        """The remembered verdicts, oldest first."""
        return [_verdict(row) for row in self.verdicts]


def key_name(key: SeriesKey) -> str:
    dims = ",".join(f"{name}={value}" for name, value in key.dimensions)
    return f"{key.namespace}|{key.metric}|{key.stat}|{dims}"


def start_for(
    memory: SeriesMemory | None,
    end: datetime,
    lookback: timedelta,
    overlap: timedelta,
    period: timedelta,
) -> datetime:
    """Where this series' read starts: the look-back without memory (or when the memory is
    older than it), else after the last judged period minus the overlap; ``end`` (nothing to
    read) when the last judged period is the newest complete one or later (clock gone back)."""
    last = None if memory is None else memory.judged_until()
    if last is None:
        return end - lookback
    after = datetime.fromtimestamp(last, UTC) + period
    if after >= end:
        return end
    return max(after - overlap, end - lookback)


def merged(
    memory: SeriesMemory | None,
    keys: Iterable[SeriesKey],
    read: Data,
    end: datetime,
    lookback: timedelta,
) -> SeriesMemory:
    """``memory`` with the points just read (they win over remembered ones, so a late
    datapoint in the overlap replaces the early one), trimmed to the look-back before the
    newest point (never before now: a clock that went back loses nothing)."""
    window: dict[str, list[tuple[float, float]]] = {}
    for key in keys:
        name = key_name(key)
        points = dict(memory.window.get(name, []) if memory else [])
        points.update((p.timestamp.timestamp(), p.value) for p in read.get(key, _empty(key)).points)
        if points:
            newest = max(points)
            floor = newest - lookback.total_seconds()
            window[name] = sorted((ts, v) for ts, v in points.items() if ts >= floor)
    read_until = end if memory is None else max(memory.read_until, end)
    update = {"read_until": read_until, "window": window}
    return (
        SeriesMemory(read_until=read_until, window=window)
        if memory is None
        else (memory.model_copy(update=update))
    )


def view(
    memory: SeriesMemory, keys: Iterable[SeriesKey], since: datetime
) -> dict[SeriesKey, MetricSeries]:
    """The remembered points from ``since`` on, as the series rules judge."""
    cut = since.timestamp()
    return {
        key: MetricSeries(
            key=key,
            points=tuple(
                MetricPoint(timestamp=datetime.fromtimestamp(ts, UTC), value=value)
                for ts, value in memory.window.get(key_name(key), [])
                if ts >= cut
            ),
        )
        for key in keys
    }


def with_verdicts(
    memory: SeriesMemory, baseline: BaselineState, new: list[PeriodVerdict], keep: timedelta
) -> SeriesMemory:
    """``memory`` after a streaming judgement: the new baseline, and the verdicts of the
    look-back before the newest one."""
    rows = [*memory.verdicts, *(_row(v) for v in new)]
    if rows:
        floor = max(row[0] for row in rows) - keep.total_seconds()
        rows = [row for row in rows if row[0] >= floor]
    return memory.model_copy(update={"baseline": baseline, "verdicts": rows})


def _row(v: PeriodVerdict) -> list[Any]:
    return [
        v.timestamp.timestamp(),
        v.verdict.value,
        v.value,
        v.threshold,
        v.baseline,
        v.usual,
        v.note,
    ]


def _verdict(row: list[Any]) -> PeriodVerdict:
    epoch, verdict, value, threshold, baseline, usual, note = row
    return PeriodVerdict(
        datetime.fromtimestamp(epoch, UTC),
        Verdict(verdict),
        value,
        threshold,
        baseline,
        usual,
        note,
    )


def _empty(key: SeriesKey) -> MetricSeries:
    return MetricSeries(key=key)
