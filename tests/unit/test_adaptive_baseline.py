"""The latency detector on named behaviours: spikes, daily cycles, lasting shifts, resuming."""

from __future__ import annotations

import math
import random
import re
from datetime import timedelta

import pytest

from alarms import latency
from alarms.adaptive import BaselineState
from alarms.periods import PeriodVerdict, replay
from alarms.rules import LatencySpikeRule
from tests.support.series import PERIOD, T0, points, traffic

DAY = 288  # 5-minute periods


def calm(n: int, seed: int = 1, level: float = 1000.0, noise: float = 0.03) -> list[float]:
    rng = random.Random(seed)
    return [level * (1 + rng.gauss(0, noise)) for _ in range(n)]


def daily(n: int, seed: int = 2, swing: float = 0.6) -> list[float]:
    """A strong daily cycle: 1000 ms at night, up to 1000 * (1 + swing) in the afternoon."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        hour = (i % DAY) / 12
        shape = max(0.0, math.sin(math.pi * (hour - 6) / 12))
        out.append(1000 * (1 + swing * shape) * (1 + rng.gauss(0, 0.03)))
    return out


RULE = LatencySpikeRule()


def onsets(values: list[float], rule: LatencySpikeRule = RULE) -> list[int]:
    """Periods where an alert starts, after the first day (the history a profile needs)."""
    judged = latency.verdicts(rule, points(values), None)
    return [i for i, state in enumerate(replay(judged, rule)) if state.onset and i >= DAY]


def with_spike(base: list[float], start: int, length: int, factor: float) -> list[float]:
    return [v * factor if start <= i < start + length else v for i, v in enumerate(base)]


SPIKE_AT = 2 * DAY + 100


@pytest.mark.parametrize(
    ("case", "values", "expected"),
    [
        ("a spike is caught within 2 periods", with_spike(calm(3 * DAY), SPIKE_AT, 12, 2.5), 1),
        ("a spike on a daily cycle is caught", with_spike(daily(3 * DAY), SPIKE_AT, 12, 2.5), 1),
        ("a daily cycle does not page", daily(4 * DAY), 0),
        ("a single outlier does not page", with_spike(calm(3 * DAY), SPIKE_AT, 1, 6.0), 0),
        ("two outliers apart do not page", with_spike(calm(2 * DAY), DAY + 9, 1, 5), 0),
    ],
)
def test_detector_table(case: str, values: list[float], expected: int) -> None:
    found = onsets(values)
    assert len(found) == expected, case
    if expected:
        assert SPIKE_AT <= found[0] <= SPIKE_AT + 2, case  # the 3rd spiked period at the latest


def test_a_daily_cycle_is_judged_against_its_hour() -> None:
    judged = latency.verdicts(LatencySpikeRule(), points(daily(4 * DAY)), None)
    afternoon = judged[3 * DAY + 14 * 12]  # 14:00 on the fourth day
    assert afternoon.usual == "usual for 14:00"
    assert afternoon.baseline is not None and afternoon.baseline > 1400


@pytest.mark.parametrize("accept_after", [120, 360])
def test_a_lasting_shift_is_accepted_after_the_configured_time(accept_after: int) -> None:
    rule = LatencySpikeRule(accept_shift_after_minutes=accept_after)
    values = calm(DAY) + calm(DAY, seed=5, level=2000)
    judged = latency.verdicts(rule, points(values), None)
    states = replay(judged, rule)
    assert sum(s.onset for s in states) == 1  # one page for the shift
    accepted = next(i for i, v in enumerate(judged) if v.note)
    assert (accepted - DAY) * 5 == pytest.approx(accept_after, abs=15)
    assert "accepted as the new normal" in judged[accepted].note
    assert re.search(r"\(1,0\d\d -> [12],\d\d\d\)", judged[accepted].note)
    assert not states[-1].firing  # resolved: 2,000 ms is the new usual
    assert judged[-1].baseline == pytest.approx(2000, rel=0.05)


def test_the_evaluation_says_what_usual_means_and_that_a_shift_was_accepted() -> None:
    rule = LatencySpikeRule(accept_shift_after_minutes=60)
    values = calm(DAY) + calm(30, seed=5, level=2000)
    result = latency.evaluate(rule, "m", points(values), traffic([100] * len(values)), 300)
    assert result.details["usual"].startswith("usual (last ")
    assert result.details["usual"].endswith(" ms")
    assert "accepted as the new normal" in result.details["level_shift"]


@pytest.mark.parametrize("cuts", [[DAY], [10, DAY + 7], [DAY * 2 + 101, DAY * 2 + 102, DAY * 3]])
def test_resuming_from_a_saved_state_gives_the_same_verdicts(cuts: list[int]) -> None:
    rule = LatencySpikeRule(accept_shift_after_minutes=60)
    values = with_spike(daily(4 * DAY), SPIKE_AT, 12, 2.5) + calm(40, level=3000)
    series = points(values)
    whole = latency.verdicts(rule, series, None)
    pieces: list[PeriodVerdict] = []
    state: BaselineState | None = None
    for start, end in zip([0, *cuts], [*cuts, len(series)], strict=True):
        # each poll sees an overlapping window; the state skips what it already judged
        judged, state = latency.judge(rule, state, series[max(0, start - 5) : end], None)
        pieces += judged
        state = BaselineState.model_validate_json(state.model_dump_json())
    assert pieces == whole


def test_periods_already_judged_are_skipped() -> None:
    rule = LatencySpikeRule()
    series = points(calm(50))
    _, state = latency.judge(rule, None, series, None)
    again, _ = latency.judge(rule, state, series, None)
    assert again == []
    assert state.last == (T0 + PERIOD * 49).timestamp()


def test_uneven_steps_are_judged_in_time_not_rows() -> None:
    rule = LatencySpikeRule(accept_shift_after_minutes=60)
    steady = points(calm(DAY))
    sparse = [p.model_copy(update={"timestamp": p.timestamp + timedelta(days=1)}) for p in steady]
    sparse = sparse[::3]  # 15-minute steps: the hour of acceptance is still an hour
    shifted = [p.model_copy(update={"value": p.value * 2}) for p in sparse]
    judged = latency.verdicts(rule, steady + shifted, None, 300)
    accepted = next(v for v in judged if v.note)
    assert accepted.timestamp - shifted[0].timestamp == timedelta(hours=1)


def test_a_lasting_drop_pages_once_and_is_accepted_like_a_rise() -> None:
    rule = LatencySpikeRule(accept_shift_after_minutes=120)
    values = calm(DAY) + calm(DAY, seed=5, level=300)
    judged = latency.verdicts(rule, points(values), None)
    states = replay(judged, rule)
    assert sum(s.onset for s in states) == 1
    assert judged[DAY + 2].drop and judged[DAY + 2].verdict == "breach"
    accepted = next(v for v in judged if v.note)
    assert "accepted as the new normal" in accepted.note
    assert judged[-1].baseline == pytest.approx(300, rel=0.05)
    assert not states[-1].firing


def test_the_saved_state_stays_compact_and_round_trips() -> None:
    values = with_spike(daily(8 * DAY), 7 * DAY, 12, 0.2)
    _, state = latency.judge(RULE, None, points(values), None)
    text = state.model_dump_json()
    assert BaselineState.model_validate_json(text) == state
    assert 0 < len(state.floors) <= len(state.residuals)  # one low tail per shape
    assert len(text) < 200_000  # well under a DynamoDB item's 400 KB
