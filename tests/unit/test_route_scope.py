"""A route's share of the roll-ups: its matchers on model, principal and tags, alone and in
the pairs the roll-ups hold."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from alarms.rollup import Rollup, Tally
from alarms.route_scope import covered, describe, scope_of

HOUR = datetime(2026, 11, 18, 9, tzinfo=UTC)
TAGS = ("team", "app")
# (model, principal, team, app, usd)
CALLS = [
    ("nova", "alice", "search", "web", "4.00"),
    ("nova", "bob", "support", "desk", "2.00"),
    ("haiku", "alice", "search", "api", "1.00"),
    ("haiku", "carol", "helpdesk", "desk", "0.50"),
]


def hour() -> Rollup:
    rollup = Rollup(hour=HOUR)
    for model, principal, team, app, usd in CALLS:
        tags = [("team", team), ("app", app)]
        rollup.add_tally(model, principal, tags, Tally(calls=1, usd=Decimal(usd)))
    return rollup


def spend(keep: object) -> Decimal:
    return sum((Decimal(c[4]) for c in CALLS if keep(c)), Decimal(0))  # type: ignore[operator]


@pytest.mark.parametrize(
    ("match", "match_re", "keep"),
    [
        ({}, {}, lambda c: True),
        ({"rule": "latency_spike"}, {}, lambda c: True),  # not a roll-up label
        ({"team": "search"}, {}, lambda c: c[2] == "search"),
        ({}, {"team": "support|helpdesk"}, lambda c: c[2] in ("support", "helpdesk")),
        ({"model": "nova"}, {}, lambda c: c[0] == "nova"),
        ({"principal": "alice"}, {}, lambda c: c[1] == "alice"),
        ({"team": "search", "model": "haiku"}, {}, lambda c: c[2] == "search" and c[0] == "haiku"),
        ({"model": "nova", "principal": "bob"}, {}, lambda c: c[0] == "nova" and c[1] == "bob"),
        ({"team": "support", "principal": "bob"}, {}, lambda c: c[2] == "support"),
    ],
)
def test_a_route_covers_the_spend_its_matchers_select(
    match: dict[str, str], match_re: dict[str, str], keep: object
) -> None:
    scope = scope_of(match.items(), match_re.items(), TAGS)

    share = covered(hour(), scope)

    assert share.total.usd == spend(keep)
    by_model = sum((t.usd for t in share.models.values()), Decimal(0))
    if len({*match, *match_re} & {"team", "model", "principal"}) < 2 or "model" in match:
        assert by_model == spend(keep)
    else:  # tag and principal: the roll-ups hold no model slice within both
        assert share.models == {}


def test_a_team_route_names_its_callers_and_models_only() -> None:
    share = covered(hour(), scope_of([("team", "search")], [], TAGS))

    assert set(share.principals) == {"alice"}
    assert {m: t.usd for m, t in share.models.items()} == {
        "nova": Decimal("4.00"),
        "haiku": Decimal("1.00"),
    }


def test_three_dimensions_cannot_be_combined_and_the_digest_says_which_was_left_out() -> None:
    scope = scope_of([("team", "search"), ("model", "nova"), ("principal", "bob")], [], TAGS)

    share = covered(hour(), scope)

    assert share.total.usd == spend(lambda c: c[2] == "search" and c[0] == "nova")
    assert describe(scope) == (
        "spend of what this route covers (team=search, model=nova); not narrowed by principal=bob"
    )


def test_two_tag_keys_apply_the_first_and_name_the_second() -> None:
    scope = scope_of([("team", "search"), ("app", "api")], [], TAGS)

    assert covered(hour(), scope).total.usd == spend(lambda c: c[2] == "search")
    assert describe(scope).endswith("not narrowed by app=api")
    assert describe(scope_of([("severity", "critical")], [], TAGS)) == "spend"
