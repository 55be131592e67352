"""The latency rule judged as a stream: only the periods newer than the series' memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alarms import latency
from alarms.model import Evaluation, SeriesKey
from alarms.rules import LatencySpikeRule
from alarms.usual import usual_details
from bot.app.poll.series_memory import SeriesMemory, view, with_verdicts

EPOCH = datetime.fromtimestamp(0, UTC)


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
    data = view(memory, (lat, calls), EPOCH)
    invocations = data[calls].by_time()
    done = memory.judged_until() if memory.baseline is not None else None  # a quiet one too
    fresh = [p for p in data[lat].points if done is None or p.timestamp.timestamp() > done]
    new, baseline = latency.judge(rule, memory.baseline, fresh, invocations, period)
    memory = with_verdicts(memory, baseline, new, lookback)
    judged = [v for v in memory.judged() if v.timestamp >= now - lookback]
    evaluation = latency.evaluation_of(rule, model, judged, invocations, period)
    extra = usual_details(judged, baseline)
    if not extra:
        return evaluation, memory
    return evaluation.model_copy(update={"details": {**evaluation.details, **extra}}), memory
