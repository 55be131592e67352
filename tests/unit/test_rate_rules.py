from __future__ import annotations

import pytest

from alarms import rates
from alarms.rules import ErrorRateRule, ThrottleRateRule
from tests.support.series import T0, traffic

ERRORS = ErrorRateRule()  # above usual x 2, >= 2%, >= 3 errors, 2 of 3 periods, >= 20 calls
THROTTLES = ThrottleRateRule()
ERROR_CEILING = ErrorRateRule(mode="ceiling")  # > 5% with >= 3 errors
THROTTLE_CEILING = ThrottleRateRule(mode="ceiling")  # > 10%


def run(rule, events: list[float], calls: list[float] | float = 200.0):  # type: ignore[no-untyped-def]
    counts = calls if isinstance(calls, list) else [calls] * len(events)
    return rates.evaluate(rule, "m", traffic(events), traffic(counts), 300)


CALM = [1.0, 0.0, 2.0, 1.0, 0.0, 1.0]
BUSY = [16.0, 15.0, 17.0, 16.0, 14.0, 18.0]  # throttled per 200 calls: ~8%
RARE = [1.0, 1.0, 0.0, 2.0, 1.0, 1.0] * 2  # errors per 1,000 calls: ~0.1%


@pytest.mark.parametrize(
    ("case", "rule", "events", "calls", "firing"),
    [
        ("calm errors never fire", ERRORS, CALM * 3, 200.0, False),
        ("two bad periods of three fire", ERRORS, [*CALM, 30, 40], 200.0, True),
        ("one bad period is not enough", ERRORS, [*CALM, 30, 1, 1], 200.0, False),
        ("2 of the last 3 with a dip", ERRORS, [*CALM, 30, 1, 40], 200.0, True),
        ("resolves after three calm periods", ERRORS, [*CALM, 30, 40, 1, 0, 1], 200.0, False),
        ("still firing after two calm periods", ERRORS, [*CALM, 30, 40, 1, 0], 200.0, True),
        ("exactly at the ceiling is not a breach", ERROR_CEILING, [*CALM, 10, 10], 200.0, False),
        ("ceiling mode: two bad periods fire", ERROR_CEILING, [*CALM, 30, 40], 200.0, True),
        ("too few bad calls: 2 of 10 is no surge", ERRORS, [0, 2, 2, 2], [30, 10, 10, 10], False),
        (
            "too little traffic is not judged",
            ERRORS,
            [*CALM, 5, 5, 5],
            [*[200.0] * 6, 8, 8, 8],
            False,
        ),
        ("throttle surge fires", THROTTLES, [*CALM, 60, 80], 200.0, True),
        (
            "8% throttling is under the 10% ceiling",
            THROTTLE_CEILING,
            [*CALM, 16, 16, 16],
            200.0,
            False,
        ),
        ("a busy model's steady 8% throttling never pages", THROTTLES, BUSY * 4, 200.0, False),
        ("busy at 8%, then 30% throttled pages", THROTTLES, [*BUSY * 2, 60, 62], 200.0, True),
        ("0.1% to 4% errors pages", ERRORS, [*RARE, 40, 40], 1000.0, True),
        ("0% to 1.5% is under the 2% floor", ERRORS, [*[0.0] * 12, 3, 3, 3], 200.0, False),
        ("a steady 12% of server errors pages", ERRORS, [24.0] * 12, 200.0, True),
    ],
)
def test_rate_table(case: str, rule, events, calls, firing: bool) -> None:  # type: ignore[no-untyped-def]
    assert run(rule, events, calls).firing is firing, case


def test_alert_reports_rate_usual_and_calls() -> None:
    result = run(THROTTLES, [*CALM, 60, 80])
    assert result.labels == {"model": "m"}
    assert result.value == pytest.approx(40.0) and result.unit == "%"
    assert result.threshold == pytest.approx(2.0)  # usual 0.5% x 2 is under the 2% floor
    assert run(THROTTLE_CEILING, [*CALM, 60, 80]).threshold == pytest.approx(10.0)
    assert result.baseline is not None and result.baseline < 1
    assert result.summary.startswith("throttled 40.0% of 200 calls (usual 0.5%)")
    assert result.repeat_interval_minutes == THROTTLES.repeat_interval_minutes


def test_throttles_count_as_calls_not_invocations() -> None:
    calls = rates.attempts(traffic([90, 50]), traffic([10, 50]))
    assert list(calls.values()) == [100, 100]


def test_missing_periods_neither_fire_nor_resolve() -> None:
    firing = rates.evaluate(ERRORS, "m", traffic([*CALM, 30, 40]), traffic([200.0] * 8), 300)
    gap = {**traffic([200.0] * 8)}  # nothing at all after the surge
    assert firing.firing
    assert rates.evaluate(ERRORS, "m", traffic([*CALM, 30, 40]), gap, 300).firing


def test_no_traffic_at_all() -> None:
    result = rates.evaluate(ERRORS, "m", {}, {}, 300)
    assert result.firing is False and result.summary == "no data"


def test_client_errors_named_in_the_summary_when_counted() -> None:
    rule = ErrorRateRule(include_client_errors=True)
    assert run(rule, [*CALM, 30, 40]).summary.startswith("errors 20.0%")
    assert run(ERRORS, [*CALM, 30, 40]).summary.startswith("server errors 20.0%")
    assert T0 in traffic([1.0])
