"""Budget alerts from hourly roll-ups: thresholds, forecast, burn rate, scopes, periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from alarms.budgets import (
    BURN_RATE,
    FORECAST,
    THRESHOLD,
    Budget,
    BudgetContext,
    evaluate,
    period_key,
)
from alarms.model import Severity
from alarms.rollup import Rollup
from alarms.usage import UsageRecord

DAY = datetime(2026, 11, 20, tzinfo=UTC)
TAGS = frozenset({"team"})


def spend(
    hours: dict[datetime, Rollup],
    at: datetime,
    usd: str,
    model: str = "m-sonnet",
    principal: str = "batch",
    team: str = "research",
) -> None:
    hour = at.replace(minute=0, second=0, microsecond=0)
    record = UsageRecord(
        time=at,
        request_id="r",
        operation="Converse",
        model_id=model,
        base_model=model,
        principal=principal,
        tags={"team": team},
    )
    hours.setdefault(hour, Rollup(hour=hour)).add(record, Decimal(usd), TAGS)


def steady(per_hour: str, until: datetime, **who: str) -> dict[datetime, Rollup]:
    hours: dict[datetime, Rollup] = {}
    moment = DAY
    while moment < until:
        spend(hours, moment, per_hour, **who)
        moment += timedelta(hours=1)
    return hours


def run(
    budget: Budget,
    hours: dict[datetime, Rollup],
    now: datetime,
    firing: frozenset[str] = frozenset(),
    zone: str = "UTC",
) -> list:
    return evaluate([budget], BudgetContext(now, ZoneInfo(zone), list(hours.values()), firing))


DAILY = Budget(
    period="daily", amount_usd=Decimal(100), forecast=False, burn_rate_horizon_hours=None
)


@pytest.mark.parametrize(
    ("spent_per_hour", "hours", "fired"),
    [
        ("4", 12, []),  # $48: under 50%
        ("5", 12, ["50"]),  # $60
        ("7", 12, ["80"]),  # $84: only the highest crossed threshold is announced
        ("10", 12, ["100"]),  # $120
    ],
)
def test_thresholds(spent_per_hour: str, hours: int, fired: list[str]) -> None:
    data = steady(spent_per_hour, DAY + timedelta(hours=hours))
    found = run(DAILY, data, DAY + timedelta(hours=hours))
    assert [e.labels["threshold"] for e in found] == fired
    assert all(e.rule == THRESHOLD and e.labels["period"] == "2026-11-20" for e in found)
    if fired == ["100"]:
        assert found[0].severity is Severity.CRITICAL


def test_fired_threshold_keeps_firing_in_its_period_and_a_new_day_starts_clean() -> None:
    data = steady("5", DAY + timedelta(hours=12))
    first = run(DAILY, data, DAY + timedelta(hours=12))
    assert [e.labels["threshold"] for e in first] == ["50"]
    more = steady("7", DAY + timedelta(hours=12))
    again = run(DAILY, more, DAY + timedelta(hours=12), frozenset({first[0].fingerprint}))
    assert [e.labels["threshold"] for e in again] == ["50", "80"]
    tomorrow = run(
        DAILY, more, DAY + timedelta(days=1, hours=1), frozenset(e.fingerprint for e in again)
    )
    assert tomorrow == []


def test_alert_names_top_spenders() -> None:
    data = steady("4", DAY + timedelta(hours=12), model="m-sonnet", principal="batch")
    for hour in range(12):
        spend(
            data,
            DAY + timedelta(hours=hour, minutes=5),
            "1",
            model="m-haiku",
            principal="chat",
            team="support",
        )
    [alert] = run(DAILY, data, DAY + timedelta(hours=12))
    assert alert.details["top models"] == "m-sonnet $48.00 (80%), m-haiku $12.00 (20%)"
    assert alert.details["top principals"].startswith("batch $48.00 (80%)")
    assert alert.details["top tags"].startswith("team=research $48.00")
    assert "m-sonnet" in alert.summary


def test_forecast_fires_on_recent_burn_not_too_early() -> None:
    budget = DAILY.model_copy(update={"forecast": True})
    data = steady("1", DAY + timedelta(hours=9))
    for hour in (9, 10, 11):
        spend(data, DAY + timedelta(hours=hour), "8")
    found = run(budget, data, DAY + timedelta(hours=12))
    [forecast] = [e for e in found if e.rule == FORECAST]
    # $33 spent, $8/h for the last 3 h, 12 h to go: $33 + $96 = $129
    assert forecast.value == pytest.approx(129.0)
    assert forecast.threshold == 100.0
    # the rate the projection used, and since when: $16 from 10:00 to 12:00
    assert (forecast.details["rate_usd_per_hour"], forecast.details["rate_since"]) == (
        "8.00",
        "10:00 UTC",
    )
    early = steady("20", DAY + timedelta(hours=2))
    assert [e for e in run(budget, early, DAY + timedelta(hours=2)) if e.rule == FORECAST] == []


def test_burn_rate_names_who_is_burning() -> None:
    budget = DAILY.model_copy(update={"burn_rate_horizon_hours": 6.0})
    data = steady("1", DAY + timedelta(hours=10))
    spend(data, DAY + timedelta(hours=10, minutes=10), "30", model="m-opus", principal="runaway")
    spend(data, DAY + timedelta(hours=11, minutes=10), "30", model="m-opus", principal="runaway")
    found = run(budget, data, DAY + timedelta(hours=12))
    [burn] = [e for e in found if e.rule == BURN_RATE]
    assert burn.value == pytest.approx(30.0)  # $30 in the last full hour
    assert burn.details["top principals"].startswith("runaway $30.00 (100%)")
    # $30 left at $30/h: the money runs out at 13:00, said in the budget's zone
    assert burn.details["runs_out"] == "at 13:00 UTC"
    assert (burn.details["rate_usd_per_hour"], burn.details["rate_since"]) == ("30.00", "11:00 UTC")
    assert "(at 13:00 UTC at this rate)" in burn.summary
    calm = run(budget, steady("1", DAY + timedelta(hours=12)), DAY + timedelta(hours=12))
    assert [e for e in calm if e.rule == BURN_RATE] == []


def test_tag_budget_counts_only_its_tag_and_names_spenders_inside_it() -> None:
    budget = Budget(
        period="daily",
        amount_usd=Decimal(10),
        tag={"team": "support"},
        forecast=False,
        burn_rate_horizon_hours=None,
    )
    data = steady("5", DAY + timedelta(hours=4), principal="batch", team="research")
    spend(data, DAY + timedelta(hours=1), "6", model="m-haiku", principal="chat", team="support")
    [alert] = run(budget, data, DAY + timedelta(hours=4))
    assert alert.labels["threshold"] == "50" and alert.value == 6.0
    assert alert.details["top principals"] == "chat $6.00 (100%)"
    assert alert.details["top models"] == "m-haiku $6.00 (100%)"


def test_periods_follow_the_time_zone() -> None:
    late = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    assert period_key("daily", late, ZoneInfo("UTC")) == "2026-11-20"
    assert period_key("daily", late, ZoneInfo("Europe/Berlin")) == "2026-11-21"
    assert (
        period_key("monthly", datetime(2026, 11, 30, 23, 30, tzinfo=UTC), ZoneInfo("Asia/Tokyo"))
        == "2026-12"
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"amount_usd": 0},
        {"amount_usd": 10, "tag": {"team": "a", "app": "b"}},
        {"amount_usd": 10, "model": "x", "principal": "y"},
        {"amount_usd": 10, "thresholds": [0, 50]},
        {"amount_usd": 10, "period": "weekly"},
    ],
)
def test_invalid_budgets(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Budget.model_validate(bad)


def test_compacted_history_keeps_every_dollar_and_recent_hours() -> None:
    from alarms.rollup import compacted

    data = steady("2", DAY + timedelta(days=3))
    now = DAY + timedelta(days=3)
    merged = compacted(list(data.values()), now - timedelta(hours=48))
    assert len(merged) == 1 + 48  # the first day merged, the last 48 hours as they were
    assert sum(r.total.usd for r in merged) == Decimal(2 * 72)
    monthly = Budget(
        period="monthly", amount_usd=Decimal(100), forecast=False, burn_rate_horizon_hours=None
    )
    [alert] = run(monthly, {r.hour: r for r in merged}, now)
    assert alert.value == 144.0 and alert.labels["threshold"] == "100"
