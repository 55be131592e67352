"""Why a user voted an answer down: one reason per user per answer, free text kept here only.

The reason (``wrong``, ``incomplete``, ``unsafe``, ``slow``, ``other``) also becomes a metric
dimension; the text a user types under ``other`` is stored here and never logged or
published, and expires with the answer's record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.adapters.store import StateStore
from bot.adapters.store.ask_ledger import KEEP, message_key

KIND = "feedback_reason"
REASONS = ("wrong", "incomplete", "unsafe", "slow", "other")
MAX_TEXT = 2000


@dataclass(frozen=True)
class Reason:
    model_id: str
    user: str
    reason: str
    text: str
    at: str


class FeedbackReasons:
    """Reasons over a StateStore (SQLite or DynamoDB)."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def record(
        self, channel: str, ts: str, user: str, model_id: str, reason: str, text: str, now: datetime
    ) -> str | None:
        """Store ``user``'s reason for their vote on one answer; returns the reason it
        replaces (None if it is the first)."""
        key = f"{message_key(channel, ts)}:{user}"
        before = self.store.get(KIND, key)
        body = {
            "model_id": model_id,
            "user": user,
            "reason": reason,
            "text": text[:MAX_TEXT],
            "at": now.isoformat(),
        }
        self.store.put(KIND, key, body, expires_at=now + KEEP)
        return str(before.body.get("reason")) if before else None

    def of_message(self, channel: str, ts: str) -> list[Reason]:
        """Every user's reason on one answer."""
        return [
            Reason(
                str(r.body.get("model_id", "")),
                str(r.body.get("user", "")),
                str(r.body.get("reason", "")),
                str(r.body.get("text", "")),
                str(r.body.get("at", "")),
            )
            for r in self.store.scan(KIND, message_key(channel, ts) + ":")
        ]
