"""One vote per user per message, and the feedback_drop rule (pure core)."""

from __future__ import annotations

import pytest

from alarms.feedback import FeedbackTotals, Sentiment, deltas, evaluate, react, vote_of
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
    held: list[tuple[str, Sentiment]] = []
    totals: dict[str, int] = {}
    for name, sentiment, added in events:
        after = react(held, name, sentiment, added)
        for metric, delta in deltas(vote_of(held), vote_of(after)):
            totals[metric] = totals.get(metric, 0) + delta
        held = after
    assert vote_of(held) == final
    assert totals == sums


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
