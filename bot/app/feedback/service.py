"""Reactions on /genai-ask answers become votes, and vote changes become metrics."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from alarms.feedback import Sentiment, deltas, event_time
from bot.adapters.aws.errors import AwsError
from bot.adapters.aws.feedback_metrics import FeedbackPublisher
from bot.adapters.store.ask_ledger import AskLedger, VoteChange
from bot.adapters.store.feedback_reasons import REASONS, FeedbackReasons

log = logging.getLogger(__name__)


def base_reaction(name: str) -> str:
    """``+1::skin-tone-3`` counts as ``+1``."""
    return name.split("::", 1)[0]


class FeedbackService:
    def __init__(
        self,
        ledger: AskLedger,
        publisher: FeedbackPublisher,
        emoji: Mapping[str, Sentiment],
        reasons: FeedbackReasons | None = None,
    ) -> None:
        self.ledger = ledger
        self.reasons = reasons or FeedbackReasons(ledger.store)
        self.publisher = publisher
        self.emoji = dict(emoji)

    def on_reaction(
        self, event: Mapping[str, Any], added: bool, bot_user: str | None, now: datetime
    ) -> VoteChange | None:
        """Apply a ``reaction_added``/``reaction_removed`` event; None when it is not feedback
        (another emoji, another message, the bot's own reaction).

        The vote is stored before its metrics are published; if publishing fails the vote is
        put back as it was (store and metrics stay in step) and AwsError is raised.
        """
        item = event.get("item") or {}
        user = event.get("user")
        sentiment = self.emoji.get(base_reaction(str(event.get("reaction", ""))))
        if item.get("type") != "message" or not user or sentiment is None or user == bot_user:
            return None
        record = self.ledger.find(str(item.get("channel")), str(item.get("ts")))
        if record is None:
            return None
        reaction = base_reaction(str(event["reaction"]))
        at = event_time(event.get("event_ts")) or f"{now.timestamp():.6f}"
        change = self.ledger.vote(record, str(user), reaction, sentiment, added, at, now)
        changes = deltas(change.before, change.after)
        try:
            self.publisher.publish(record.model_id, changes, now)
        except AwsError:
            self.ledger.undo(change, str(user), now)
            raise
        if changes:
            log.info(
                "feedback vote",
                extra={"model": record.model_id, "before": change.before, "after": change.after},
            )
        return change

    def record_reason(
        self, channel: str, ts: str, user: str, reason: str, text: str, now: datetime
    ) -> str:
        """Record why ``user`` voted an answer down; returns the model id it concerns.

        The reason becomes a ``NegativeFeedbackReason`` datapoint (and replaces the user's
        earlier reason on the same answer); ``text`` is stored, never logged or published.
        Raises ValueError for an unknown reason or answer, AwsError when publishing fails.
        """
        if reason not in REASONS:
            raise ValueError(f"unknown feedback reason {reason!r}")
        record = self.ledger.find(channel, ts)
        if record is None:
            raise ValueError("that answer is no longer known (older than 90 days?)")
        before = self.reasons.record(channel, ts, user, record.model_id, reason, text, now)
        changes = [] if before == reason else [(reason, 1)]
        if before and before != reason and before in REASONS:
            changes.insert(0, (before, -1))
        self.publisher.publish_reasons(record.model_id, changes, now)
        log.info("feedback reason", extra={"model": record.model_id, "reason": reason})
        return record.model_id
