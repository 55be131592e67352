"""Reactions on /genai-ask answers become votes, and vote changes become metrics."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from alarms.feedback import Sentiment, deltas
from bot.adapters.aws.errors import AwsError
from bot.adapters.aws.feedback_metrics import FeedbackPublisher
from bot.adapters.store.ask_ledger import AskLedger, VoteChange

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
    ) -> None:
        self.ledger = ledger
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
        change = self.ledger.vote(record, str(user), reaction, sentiment, added, now)
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
