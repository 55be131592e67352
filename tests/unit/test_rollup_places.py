"""Roll-ups carry the account and region of their calls: the record's, else the target's."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from alarms.budgets import Budget
from alarms.rollup import Rollup, compacted
from bot.adapters.aws.invocation_logs import LogEvent
from bot.adapters.prices import Pricer
from bot.app.spend.aggregate import Aggregator, IngestReport
from bot.entrypoints.demo.invocations import invocation

AT = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)


def event(n: int, **fields: object) -> LogEvent:
    record = {**invocation(AT, f"r{n}", "amazon.nova-lite-v1:0", input_tokens=1000), **fields}
    record = {k: v for k, v in record.items() if v is not None}
    return LogEvent(f"e{n}", int(AT.timestamp() * 1000), json.dumps(record))


def test_each_record_counts_where_it_says_and_the_target_fills_in_the_rest() -> None:
    deltas: dict[str, Rollup] = {}
    aggregator = Aggregator(Pricer(), frozenset(), IngestReport(), ("999988887777", "eu-west-1"))
    aggregator.add_events(
        [
            event(1, accountId="222233334444", region="us-west-2"),
            event(2, accountId=None, region=None),  # a record without them
            event(3, accountId="../../x", region="us-west-2\n"),  # not an account or region
        ],
        deltas,
    )
    calls = {key: (r.place, r.total.calls) for key, r in deltas.items()}
    assert calls == {
        "2026-03-02T10/222233334444/us-west-2": (("222233334444", "us-west-2"), 1),
        "2026-03-02T10/999988887777/eu-west-1": (("999988887777", "eu-west-1"), 2),
    }


def test_a_day_is_compacted_per_account_and_region() -> None:
    hours = [
        Rollup(hour=AT.replace(hour=h, minute=0), account=a, region="us-east-1")
        for h in (1, 2)
        for a in ("111122223333", "222233334444")
    ]
    for rollup in hours:
        rollup.total.usd = Decimal(1)
    days = compacted(hours, AT.replace(hour=23))
    assert sorted((d.account, d.total.usd) for d in days) == [
        ("111122223333", Decimal(2)),
        ("222233334444", Decimal(2)),
    ]
    assert Rollup.from_json(days[0].to_json()).place == days[0].place


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"accounts": ["prod"]}, "'prod' is not a 12-digit account id"),
        ({"accounts": []}, "leave accounts out to count every account"),
        ({"regions": []}, "leave regions out to count every region"),
    ],
)
def test_a_budget_filter_that_cannot_match_is_refused(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Budget.model_validate({"amount_usd": 5, **fields})


def test_a_budget_narrowed_to_one_account_says_so_and_carries_it() -> None:
    budget = Budget(amount_usd=Decimal(5), accounts=("222233334444",), regions=("us-west-2",))
    assert budget.label == "daily all spend in account 222233334444; region us-west-2"
    assert budget.place_labels() == {"account": "222233334444", "region": "us-west-2"}
    assert Budget(amount_usd=Decimal(5)).place_labels() == {}
