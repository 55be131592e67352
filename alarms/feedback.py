"""User feedback on answers: one vote per user per message, and the feedback-drop rule.

A user's vote on a message is the sentiment of the most recent feedback reaction they still
have on it: adding :-1: after :+1: moves the vote to negative, removing the :-1: moves it
back, removing both withdraws it. Every vote change becomes metric deltas whose sum over any
window is the net vote count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, NamedTuple

from alarms.model import Evaluation
from alarms.rules import FeedbackDropRule

Sentiment = Literal["positive", "negative"]
METRIC: dict[Sentiment, str] = {"positive": "PositiveFeedback", "negative": "NegativeFeedback"}


class Mark(NamedTuple):
    """The last reaction event seen for one emoji of one user on one message.

    ``at`` is the event's Slack ``event_ts`` ("1700000000.000100"); a removed emoji is kept
    (``present`` False) so an older "added" delivered after it cannot bring it back.
    """

    reaction: str
    sentiment: Sentiment
    present: bool
    at: str


EVENT_TS = re.compile(r"\d{1,12}(\.\d{1,9})?")
ORIGIN = "0"  # the time of marks stored before events carried one: older than any event


def event_time(value: object) -> str | None:
    """A Slack ``event_ts`` as kept in a Mark, or None when it is missing or not a time."""
    text = value if isinstance(value, str) else None
    return text if text is not None and EVENT_TS.fullmatch(text) else None


def _order(at: str) -> Decimal:
    return Decimal(at) if EVENT_TS.fullmatch(at) else Decimal(0)


def react(
    marks: Sequence[Mark], reaction: str, sentiment: Sentiment, added: bool, at: str
) -> list[Mark]:
    """The marks after one reaction event at ``at``, in the order they were last changed.

    Events may arrive out of order (Slack does not promise an order, and they are handled
    concurrently): one older than what is known of that emoji changes nothing, nor does a
    second delivery of the same event. Adding an emoji already held changes nothing either,
    unless the add is newer (a removal in between was lost): then it is the latest reaction.
    """
    known = next((mark for mark in marks if mark.reaction == reaction), None)
    if known is not None:
        new, old = _order(at), _order(known.at)
        if new < old or (new == old and known.present == added):  # older, or delivered again
            return list(marks)
    kept = [mark for mark in marks if mark.reaction != reaction]
    return [*kept, Mark(reaction, sentiment, added, at)]


def vote_of(marks: Sequence[Mark]) -> Sentiment | None:
    """The vote the marks express: the sentiment of the latest reaction still held, or none."""
    held = [(_order(mark.at), index, mark) for index, mark in enumerate(marks) if mark.present]
    return max(held)[2].sentiment if held else None


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
