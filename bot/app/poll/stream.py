"""A rule judged as a stream: only the periods newer than the series' memory, then the alert
state over the remembered verdicts of the look-back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from alarms.adaptive import BaselineState
from alarms.model import Evaluation, MetricPoint, MetricSeries, SeriesKey
from alarms.periods import PeriodVerdict
from alarms.usual import usual_details
from bot.app.poll.series_memory import SeriesMemory, view, with_verdicts

EPOCH = datetime.fromtimestamp(0, UTC)
Data = Mapping[SeriesKey, MetricSeries]
# (remembered data, baseline, start of the newest judged period) -> (new verdicts, baseline)
Judge = Callable[
    [Data, BaselineState | None, float | None], tuple[list[PeriodVerdict], BaselineState]
]
Conclude = Callable[[Data, list[PeriodVerdict]], Evaluation]


def after(points: Iterable[MetricPoint], done: float | None) -> list[MetricPoint]:
    """The ``points`` of periods that start after ``done`` (all of them when None)."""
    return [p for p in points if done is None or p.timestamp.timestamp() > done]


def judge_stream(
    keys: Sequence[SeriesKey],
    judge: Judge,
    conclude: Conclude,
    memory: SeriesMemory,
    now: datetime,
    lookback: timedelta,
) -> tuple[Evaluation, SeriesMemory]:
    """Judge the new periods in ``memory``'s window with its baseline, keep the verdicts,
    and conclude the alert state over those of the look-back before ``now``, with what
    "usual" meant for the newest one."""
    data = view(memory, keys, EPOCH)
    done = memory.judged_until() if memory.baseline is not None else None  # a quiet one too
    new, baseline = judge(data, memory.baseline, done)
    memory = with_verdicts(memory, baseline, new, lookback)
    judged = [v for v in memory.judged() if v.timestamp >= now - lookback]
    evaluation = conclude(data, judged)
    extra = usual_details(judged, baseline)
    if not extra:
        return evaluation, memory
    return evaluation.model_copy(update={"details": {**evaluation.details, **extra}}), memory
