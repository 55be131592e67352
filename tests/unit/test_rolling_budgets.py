"""Rolling budgets from hourly roll-ups: one verdict per key, the window's first hour pro rata."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from alarms.rolling import RollingBudget, evaluate_rolling
from alarms.rollup import Rollup
from alarms.usage import UsageRecord

T = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def rollups(*spends: tuple[datetime, str, str, str]) -> list[Rollup]:
    hours: dict[datetime, Rollup] = {}
    for at, principal, team, usd in spends:
        hour = at.replace(minute=0)
        record = UsageRecord(
            time=at,
            request_id="r",
            operation="Converse",
            model_id="m",
            base_model="m",
            principal=principal,
            tags={"team": team},
        )
        hours.setdefault(hour, Rollup(hour=hour)).add(record, Decimal(usd), frozenset({"team"}))
    return list(hours.values())


def test_each_principal_over_the_limit_is_its_own_alert_labelled_with_its_team() -> None:
    budget = RollingBudget(per="principal", amount_usd=Decimal(10), window_hours=1)
    hours = rollups(
        (T + timedelta(minutes=5), "a", "research", "12"),
        (T + timedelta(minutes=6), "b", "support", "4"),
    )
    found = {
        e.labels["principal"]: e
        for e in evaluate_rolling([budget], hours, T + timedelta(minutes=30), UTC)
    }
    assert found["a"].firing and not found["b"].firing
    assert found["a"].labels["team"] == "research"
    assert found["b"].details["runs_out"].startswith("at ")  # $6 left at $4/h


def test_the_hour_the_window_starts_in_counts_pro_rata() -> None:
    budget = RollingBudget(per="team", amount_usd=Decimal(10), window_hours=1)
    hours = rollups((T - timedelta(minutes=30), "a", "research", "12"))  # 09:30, hour 09:00
    # at 10:15 the window starts at 09:15: three quarters of the 09:00 hour is inside it
    [verdict] = evaluate_rolling([budget], hours, T + timedelta(minutes=15), UTC)
    assert verdict.labels == {"budget": budget.label, "team": "research", "window": "1h"}
    assert verdict.value == pytest.approx(9.0) and not verdict.firing


def test_a_tag_budget_needs_its_key() -> None:
    with pytest.raises(ValidationError, match="tag_key"):
        RollingBudget(per="tag", amount_usd=Decimal(1))


def placed(account: str, region: str, usd: str) -> Rollup:
    [rollup] = rollups((T + timedelta(minutes=5), "app", "research", usd))
    rollup.account, rollup.region = account, region
    return rollup


def test_a_rolling_budget_per_account_judges_each_account_over_all_its_regions() -> None:
    budget = RollingBudget(per="account", amount_usd=Decimal(10), window_hours=1)
    hours = [
        placed("111122223333", "us-east-1", "6"),
        placed("111122223333", "us-west-2", "6"),
        placed("222233334444", "us-west-2", "8"),
    ]
    found = evaluate_rolling([budget], hours, T + timedelta(minutes=30), UTC)
    assert {e.labels["account"]: (e.firing, e.summary.split(";")[0]) for e in found} == {
        "111122223333": (True, "account 111122223333 spent $12.00 in the last 1 h, over $10.00"),
        "222233334444": (
            False,
            "account 222233334444 is back under $10.00 in the last 1 h ($8.00)",
        ),
    }
    assert found[0].labels["budget"] == "any account over $10.00 per 1 h"


def test_a_rolling_budget_narrowed_to_a_region_counts_only_it() -> None:
    budget = RollingBudget(amount_usd=Decimal(10), window_hours=1, regions=("us-west-2",))
    hours = [placed("111122223333", "us-east-1", "9"), placed("111122223333", "us-west-2", "4")]
    [verdict] = evaluate_rolling([budget], hours, T + timedelta(minutes=30), UTC)
    assert (verdict.labels["principal"], verdict.value, verdict.firing) == ("app", 4.0, False)


def test_rolling_budget_accounts_must_be_account_ids() -> None:
    with pytest.raises(ValidationError, match="'prod' is not a 12-digit account id"):
        RollingBudget(amount_usd=Decimal(1), accounts=("prod",))
