"""The latency rule judged as a stream: only the periods newer than the series' memory."""

from __future__ import annotations

from datetime import datetime, timedelta

from alarms import latency
from alarms.adaptive import BaselineState
from alarms.model import Evaluation, SeriesKey
from alarms.periods import PeriodVerdict
from alarms.rules import LatencySpikeRule
from bot.app.poll.series_memory import SeriesMemory
from bot.app.poll.stream import Data, after, judge_stream


def judge_latency(
    rule: LatencySpikeRule,
    model: str,
    lat: SeriesKey,
    calls: SeriesKey,
    period: int,
    memory: SeriesMemory,
    now: datetime,
    lookback: timedelta,
) -> tuple[Evaluation, SeriesMemory]:
    """Judge the new periods in ``memory``'s window with its baseline, then the alert state
    over the remembered verdicts of the look-back before ``now``."""

    def judge(
        data: Data, state: BaselineState | None, done: float | None
    ) -> tuple[list[PeriodVerdict], BaselineState]:
        fresh = after(data[lat].points, done)
        return latency.judge(rule, state, fresh, data[calls].by_time(), period)

    def conclude(data: Data, judged: list[PeriodVerdict]) -> Evaluation:
        return latency.evaluation_of(rule, model, judged, data[calls].by_time(), period)

    return judge_stream((lat, calls), judge, conclude, memory, now, lookback)
