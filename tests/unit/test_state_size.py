"""A week of a latency baseline, as the poller keeps it between polls, stays small, and
going through the store changes no verdict."""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, datetime, timedelta

from alarms import latency
from alarms.adaptive import BaselineState
from alarms.model import MetricPoint
from alarms.rules import LatencySpikeRule
from bot.adapters.store.detector_state import compact
from bot.app.poll.series_memory import SeriesMemory, with_verdicts

T0 = datetime(2026, 11, 2, tzinfo=UTC)
WEEK = 7 * 288
RULE = LatencySpikeRule()


def week(seed: int = 7) -> tuple[list[MetricPoint], dict[datetime, float]]:
    rng = random.Random(seed)
    points = [
        MetricPoint(
            timestamp=T0 + timedelta(minutes=5 * i),
            value=1000 + 300 * math.sin(i / 288 * 2 * math.pi) + rng.gauss(0, 80),
        )
        for i in range(WEEK)
    ]
    return points, {p.timestamp: 100.0 + rng.randint(0, 50) for p in points}


def test_a_week_of_latency_state_is_under_40_kb_of_json() -> None:
    points, calls = week()
    state: BaselineState | None = None
    memory = SeriesMemory(read_until=points[-1].timestamp)
    for start in range(0, WEEK, 12):  # hourly polls
        new, state = latency.judge(RULE, state, points[start : start + 12], calls, 300)
        memory = with_verdicts(memory, state, new, timedelta(hours=3))
    body = memory.model_dump(mode="json")
    assert len(json.dumps(body, separators=(",", ":"))) < 40_000  # was 83 KB
    assert len(compact(body)) < 20_000  # as stored; was 53 KB


def test_a_state_reloaded_from_json_judges_exactly_as_one_kept_in_memory() -> None:
    points, calls = week(seed=3)
    whole, _ = latency.judge(RULE, None, points, calls, 300)
    first, state = latency.judge(RULE, None, points[: WEEK // 2], calls, 300)
    reloaded = BaselineState.model_validate(json.loads(json.dumps(state.model_dump(mode="json"))))
    rest, _ = latency.judge(RULE, reloaded, points[WEEK // 2 :], calls, 300)
    assert [*first, *rest] == whole
