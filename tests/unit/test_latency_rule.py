from __future__ import annotations

from datetime import timedelta

import pytest

from alarms import latency
from alarms.model import MetricPoint
from alarms.rules import LatencySpikeRule
from tests.support.series import PERIOD, T0, points, traffic

CALM = [1000, 1040, 980, 1010, 995, 1020, 990, 1005, 1030, 970, 1000, 1015]
HOUR = timedelta(hours=1)
RULE = LatencySpikeRule()  # 3 of 5 to fire, 3 calm to resolve, 50% / 400 ms margins


def run(
    values: list[float | None], calls: float | list[float] = 100, rule: LatencySpikeRule = RULE
):
    n = len(values)
    counts = calls if isinstance(calls, list) else [calls] * n
    return latency.evaluate(rule, "m", points(values), traffic(counts), 300)


@pytest.mark.parametrize(
    ("case", "values", "firing"),
    [
        ("steady traffic never fires", CALM * 2, False),
        ("three spiked periods fire", [*CALM, 2600, 2700, 2650], True),
        ("two spiked periods are not enough", [*CALM, 2600, 2700], False),
        ("a single outlier is ignored", [*CALM, 5000, 1000, 1010, 990], False),
        ("3 of the last 5 fire even with a dip", [*CALM, 2600, 1000, 2700, 2650], True),
        ("a rise inside the margin is normal", [*CALM, 1350, 1380, 1390, 1360], False),
        ("resolves after 3 calm periods", [*CALM, 2600, 2700, 2650, 1000, 990, 1010], False),
        ("still firing after 2 calm periods", [*CALM, 2600, 2700, 2650, 1000, 990], True),
    ],
)
def test_latency_spike_table(case: str, values: list[float | None], firing: bool) -> None:
    assert run(values).firing is firing, case


def test_alert_reports_value_baseline_and_onset() -> None:
    result = run([*CALM, 2600, 2700, 2650])
    assert result.value == 2650
    assert result.baseline == pytest.approx(1002.5)
    assert result.threshold is not None and 1400 <= result.threshold < 2600
    assert result.onset == T0 + PERIOD * (len(CALM) + 2)
    assert result.labels == {"model": "m"}
    assert "2.6x usual" in result.summary


def test_too_little_traffic_gives_no_verdict() -> None:
    values = [*CALM, 2600, 2700, 2650]
    calls = [100.0] * len(CALM) + [3.0, 4.0, 2.0]
    assert run(values, calls).firing is False


def test_missing_periods_neither_fire_nor_resolve() -> None:
    firing = run([*CALM, 2600, 2700, 2650, None, None, None, None])
    assert firing.firing is True


def test_short_history_is_enough_to_protect_a_new_model() -> None:
    assert run([1000, 1010, 990, 1005, 995, 1000, 2600, 2700, 2650]).firing is True


def test_no_baseline_yet_means_no_alert() -> None:
    assert run([5000, 5100, 5200]).firing is False


def test_static_ceiling_fires_without_history() -> None:
    rule = LatencySpikeRule(max_ms=3000)
    assert run([3500, 3600, 3700], rule=rule).firing is True


def test_long_incident_does_not_become_the_new_normal() -> None:
    # 2.5 hours: still an incident; the default accepts a shift after 6 hours
    assert run([*CALM, *([2600] * 30)]).firing is True
    never = LatencySpikeRule(accept_shift_after_minutes=None)
    assert run([*CALM, *([2600] * 100)], rule=never).firing is True


def test_no_data_at_all() -> None:
    result = run([])
    assert result.firing is False and result.summary == "no data"


def test_alert_carries_the_recent_trend_for_its_sparkline() -> None:
    result = run([*CALM, *CALM, 2600, 2700, 2650])
    values = result.details["trend"].split(",")
    assert len(values) == 24
    assert values[-3:] == ["2600", "2700", "2650"] and values[0] == str(CALM[3])


@pytest.mark.parametrize(
    ("period_seconds", "counts"),
    [(300, (3, 5, 3)), (60, (15, 25, 15)), (600, (2, 2, 2)), (3600, (1, 1, 1))],
)
def test_period_counts_mean_the_same_minutes_on_any_period(
    period_seconds: int, counts: tuple[int, int, int]
) -> None:
    timed = latency.in_time(RULE, period_seconds)
    assert (timed.breach_periods, timed.eval_periods, timed.resolve_periods) == counts


def test_one_slow_hour_of_an_hourly_series_fires() -> None:
    hourly = [MetricPoint(timestamp=T0 + HOUR * i, value=v) for i, v in enumerate(CALM * 2)]
    spike = MetricPoint(timestamp=T0 + HOUR * 24, value=5000)
    result = latency.evaluate(RULE, "m", [*hourly, spike], {}, 3600)
    assert result.firing is False  # no traffic: no verdict
    calls = {p.timestamp: 100.0 for p in [*hourly, spike]}
    assert latency.evaluate(RULE, "m", [*hourly, spike], calls, 3600).firing is True


def test_a_sudden_lasting_drop_pages_and_says_it_is_a_drop() -> None:
    result = run([*CALM, 300, 280, 310])
    assert result.firing is True
    assert "0.3x usual, a drop" in result.summary
    assert "failing fast" in result.details["drop"]


def test_a_drop_inside_the_margin_is_normal() -> None:
    assert run([*CALM, 600, 620, 610, 590]).firing is False


def test_drops_can_be_turned_off() -> None:
    rule = LatencySpikeRule(page_on_drops=False)
    result = run([*CALM, 300, 280, 310], rule=rule)
    assert result.firing is False
    assert "drop" not in result.details


def test_a_rise_is_not_called_a_drop() -> None:
    result = run([*CALM, 2600, 2700, 2650])
    assert "drop" not in result.details
    assert "a drop" not in result.summary


@pytest.mark.parametrize(
    ("spike_margins", "firing"), [(None, False), (3.0, True)], ids=["default", "severe"]
)
def test_one_severe_period_pages_at_once_only_when_asked(
    spike_margins: float | None, firing: bool
) -> None:
    rule = LatencySpikeRule(spike_margins=spike_margins)
    assert run([*CALM, 5000], rule=rule).firing is firing
    assert run([*CALM, 2000], rule=rule).firing is False  # one margin and a bit: waits
