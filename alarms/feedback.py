"""User feedback on answers: one vote per user per message, and the feedback-drop rule.

A user's vote on a message is the sentiment of the most recent feedback reaction they still
have on it: adding :-1: after :+1: moves the vote to negative, removing the :-1: moves it
back, removing both withdraws it. Every vote change becomes metric deltas whose sum over any
window is the net vote count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from alarms.model import Evaluation
from alarms.rules import FeedbackDropRule

Sentiment = Literal["positive", "negative"]
METRIC: dict[Sentiment, str] = {"positive": "PositiveFeedback", "negative": "NegativeFeedback"}


def react(
    held: Sequence[tuple[str, Sentiment]], reaction: str, sentiment: Sentiment, added: bool
) -> list[tuple[str, Sentiment]]:
    """The feedback reactions a user holds after adding or removing ``reaction``, oldest first.

    Adding one already held, or removing one not held (a duplicate delivery), changes nothing.
    """
    kept = [(name, feeling) for name, feeling in held if name != reaction]
    if added:
        already = len(kept) != len(held)
        return list(held) if already else [*kept, (reaction, sentiment)]
    return kept


def vote_of(held: Sequence[tuple[str, Sentiment]]) -> Sentiment | None:
    """The vote the held reactions express: the latest one's sentiment, or none."""
    return held[-1][1] if held else None


def deltas(before: Sentiment | None, after: Sentiment | None) -> list[tuple[str, int]]:
    """Metric datapoints for a vote change: -1 on the old metric, +1 on the new one."""
    if before == after:
        return []
    out: list[tuple[str, int]] = []
    if before is not None:
        out.append((METRIC[before], -1))
    if after is not None:
        out.append((METRIC[after], 1))
    return out


@dataclass(frozen=True, slots=True)
class FeedbackTotals:
    """Net votes on one model's answers over a window (never below zero)."""

    positive: int
    negative: int

    @property
    def votes(self) -> int:
        return self.positive + self.negative

    @property
    def positive_share(self) -> float | None:
        return self.positive / self.votes if self.votes else None

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.votes if self.votes else None

    @classmethod
    def from_sums(cls, positive: float, negative: float) -> FeedbackTotals:
        """From metric Sums, which can dip below zero when votes cast before the window
        are withdrawn inside it."""
        return cls(max(0, round(positive)), max(0, round(negative)))


def evaluate(rule: FeedbackDropRule, model_id: str, totals: FeedbackTotals) -> Evaluation:
    """Whether ``model_id``'s negative feedback share is above the rule's threshold."""
    labels = {"model": model_id}
    window = f"last {rule.window_hours} h"
    share = totals.negative_share
    threshold = rule.max_negative_share * 100
    details = {
        "positive": str(totals.positive),
        "negative": str(totals.negative),
        "window_hours": str(rule.window_hours),
    }
    if share is None or totals.votes < rule.min_votes:
        return Evaluation(
            rule=rule.kind,
            labels=labels,
            firing=False,
            severity=rule.severity,
            threshold=threshold,
            unit="%",
            summary=f"{totals.votes} vote(s) in the {window}, fewer than {rule.min_votes}",
            details=details,
        )
    percent = share * 100
    return Evaluation(
        rule=rule.kind,
        labels=labels,
        firing=share > rule.max_negative_share,
        severity=rule.severity,
        value=round(percent, 1),
        threshold=threshold,
        unit="%",
        summary=(
            f"{percent:.0f}% negative feedback ({totals.negative} of {totals.votes} votes, "
            f"{window})"
        ),
        details=details,
    )
