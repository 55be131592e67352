"""One vote per user per message, and the feedback_drop rule (pure core)."""

from __future__ import annotations

import itertools

import pytest

from alarms.feedback import (
    FeedbackTotals,
    Mark,
    Sentiment,
    deltas,
    evaluate,
    event_time,
    react,
    vote_of,
)
from alarms.rules import FeedbackDropRule

P, N = "positive", "negative"

# (reaction events in order as (name, sentiment, added), final vote, net metric sums)
SCENARIOS: list[tuple[str, list[tuple[str, Sentiment, bool]], Sentiment | None, dict[str, int]]] = [
    ("one up", [("+1", P, True)], P, {"PositiveFeedback": 1}),
    (
        "up then down moves the vote",
        [("+1", P, True), ("-1", N, True)],
        N,
        {"PositiveFeedback": 0, "NegativeFeedback": 1},
    ),
    (
        "removing the later one moves it back",
        [("+1", P, True), ("-1", N, True), ("-1", N, False)],
        P,
        {"PositiveFeedback": 1, "NegativeFeedback": 0},
    ),
    (
        "removing the earlier one keeps the later",
        [("+1", P, True), ("-1", N, True), ("+1", P, False)],
        N,
        {"PositiveFeedback": 0, "NegativeFeedback": 1},
    ),
    ("withdrawn", [("+1", P, True), ("+1", P, False)], None, {"PositiveFeedback": 0}),
    ("duplicate add counts once", [("+1", P, True), ("+1", P, True)], P, {"PositiveFeedback": 1}),
    (
        "two positive emoji are one vote",
        [("+1", P, True), ("heart", P, True), ("+1", P, False)],
        P,
        {"PositiveFeedback": 1},
    ),
    ("removal of a reaction never added", [("x", N, False)], None, {}),
    (
        "duplicate removal",
        [("x", N, True), ("x", N, False), ("x", N, False)],
        None,
        {"NegativeFeedback": 0},
    ),
]


@pytest.mark.parametrize(
    ("events", "final", "sums"), [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS]
)
def test_votes_follow_reactions(
    events: list[tuple[str, Sentiment, bool]], final: Sentiment | None, sums: dict[str, int]
) -> None:
    timed = [
        (name, sentiment, added, f"1700000000.{i:06d}")
        for i, (name, sentiment, added) in enumerate(events)
    ]
    assert replay(timed) == (final, {metric: total for metric, total in sums.items() if total})


def replay(
    events: list[tuple[str, Sentiment, bool, str]],
) -> tuple[Sentiment | None, dict[str, int]]:
    """The final vote and the net metric sums after applying ``events`` in the given order."""
    marks: list[Mark] = []
    totals: dict[str, int] = {}
    for name, sentiment, added, at in events:
        after = react(marks, name, sentiment, added, at)
        for metric, delta in deltas(vote_of(marks), vote_of(after)):
            totals[metric] = totals.get(metric, 0) + delta
        marks = after
    return vote_of(marks), {metric: total for metric, total in totals.items() if total}


@pytest.mark.parametrize(
    "events",
    [s[1] for s in SCENARIOS if len(s[1]) > 1],
    ids=[s[0] for s in SCENARIOS if len(s[1]) > 1],
)
def test_events_delivered_out_of_order_end_in_the_same_vote(
    events: list[tuple[str, Sentiment, bool]],
) -> None:
    """Slack does not promise an order and the bot handles events concurrently: every order
    of delivery ends where the events' own times say, with the same net metrics."""
    timed = [
        (name, sentiment, added, f"1700000000.{i:06d}")
        for i, (name, sentiment, added) in enumerate(events)
    ]
    expected = replay(timed)
    for order in itertools.permutations(timed):
        assert replay(list(order)) == expected, order


def test_a_redelivered_event_and_a_lost_removal() -> None:
    up = ("+1", "positive", True, "1700000000.000001")
    down = ("-1", "negative", True, "1700000000.000002")
    assert replay([up, down, up]) == ("negative", {"NegativeFeedback": 1})  # a retry of +1
    # the removal of +1 never arrived: adding it again later makes it the latest reaction
    again = ("+1", "positive", True, "1700000000.000003")
    assert replay([up, down, again]) == ("positive", {"PositiveFeedback": 1})


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("1700000000.000100", "1700000000.000100"),
        ("1700000000", "1700000000"),
        ("NaN", None),
        ("1e9", None),
        ("-1.5", None),
        (1700000000.5, None),
        (None, None),
        ("1700000000.000100\n", None),
    ],
)
def test_only_a_slack_time_orders_votes(value: object, kept: str | None) -> None:
    assert event_time(value) == kept


@pytest.mark.parametrize(
    ("positive", "negative", "firing", "value"),
    [
        (6, 4, False, 40.0),  # at the threshold: not above it
        (5, 5, True, 50.0),
        (1, 4, False, None),  # 5 votes < min_votes 10
        (0, 0, False, None),
        (30, 21, True, 41.2),
    ],
)
def test_feedback_drop(positive: int, negative: int, firing: bool, value: float | None) -> None:
    rule = FeedbackDropRule(max_negative_share=0.4, min_votes=10)
    result = evaluate(rule, "m1", FeedbackTotals(positive, negative))
    assert result.firing is firing
    assert result.value == value
    assert result.labels == {"model": "m1"} and result.rule == "feedback_drop"
    if value is not None:
        assert f"{negative} of {positive + negative} votes" in result.summary


def test_withdrawals_older_than_the_window_never_go_below_zero() -> None:
    assert FeedbackTotals.from_sums(-2.0, 3.0) == FeedbackTotals(0, 3)
    assert FeedbackTotals(3, 1).positive_share == 0.75
