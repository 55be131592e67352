"""Records of /genai-ask answers and of the votes on them, in the state store.

An answer is addressed by the Slack message that carries it (channel and ts): that is what a
reaction names, so feedback joins on it. A vote is one document per user per message, changed
with conditional writes so concurrent deliveries never double-count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from alarms.feedback import ORIGIN, Mark, Sentiment, react, vote_of
from bot.adapters.store import Conflict, StateStore

ASK_KIND = "ask"
VOTE_KIND = "ask_vote"
KEEP = timedelta(days=90)  # answers older than this can no longer be rated
WRITE_ATTEMPTS = 5


@dataclass(frozen=True)
class AskRecord:
    """One posted answer: what feedback on its message is attributed to."""

    channel: str
    ts: str
    model_id: str
    request_id: str
    asker: str
    input_tokens: int
    output_tokens: int
    cost_usd: str | None  # Decimal as text; None when the model is unpriced
    asked_at: str

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> AskRecord:
        fields: dict[str, Any] = {name: body.get(name) for name in cls.__dataclass_fields__}
        return cls(**fields)


@dataclass(frozen=True)
class VoteChange:
    model_id: str
    before: Sentiment | None
    after: Sentiment | None
    key: str = ""
    marks_before: tuple[Mark, ...] = ()


def message_key(channel: str, ts: str) -> str:
    return f"{channel}:{ts}"


class AskLedger:
    """Answers and votes over a StateStore (SQLite or DynamoDB)."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def save(self, record: AskRecord, now: datetime) -> None:
        self.store.put(
            ASK_KIND,
            message_key(record.channel, record.ts),
            asdict(record),
            expires_at=now + KEEP,
        )

    def find(self, channel: str, ts: str) -> AskRecord | None:
        found = self.store.get(ASK_KIND, message_key(channel, ts))
        return AskRecord.from_body(found.body) if found else None

    def vote(
        self,
        record: AskRecord,
        user: str,
        reaction: str,
        sentiment: Sentiment,
        added: bool,
        at: str,
        now: datetime,
    ) -> VoteChange:
        """Apply one reaction event (Slack's ``event_ts`` ``at``) to ``user``'s vote on
        ``record``'s message; events delivered out of order end in the same vote."""
        key = f"{message_key(record.channel, record.ts)}:{user}"
        for _ in range(WRITE_ATTEMPTS):
            current = self.store.get(VOTE_KIND, key)
            marks = _marks(current.body if current else {})
            after = react(marks, reaction, sentiment, added, at)
            change = VoteChange(record.model_id, vote_of(marks), vote_of(after), key, tuple(marks))
            if after == marks:
                return change
            try:
                self.store.put(
                    VOTE_KIND,
                    key,
                    _vote_body(record.model_id, user, after, now),
                    expected_version=current.version if current else 0,
                    expires_at=now + KEEP,
                )
            except Conflict:
                continue
            return change
        raise Conflict(f"vote {key} kept changing under us; the reaction was not counted")

    def undo(self, change: VoteChange, user: str, now: datetime) -> None:
        """Put a vote back as it was before ``change`` (its metrics could not be published)."""
        body = _vote_body(change.model_id, user, change.marks_before, now)
        self.store.put(VOTE_KIND, change.key, body, expires_at=now + KEEP)

    def votes(self, channel: str, ts: str) -> dict[str, Sentiment]:
        """Each user's current vote on one message."""
        found = self.store.scan(VOTE_KIND, message_key(channel, ts) + ":")
        return {
            str(record.body["user"]): cast(Sentiment, record.body["vote"])
            for record in found
            if record.body.get("vote")
        }


def _vote_body(model_id: str, user: str, marks: Sequence[Mark], now: datetime) -> dict[str, Any]:
    return {
        "model_id": model_id,
        "user": user,
        "marks": [list(mark) for mark in marks],
        "vote": vote_of(marks),
        "updated_at": now.isoformat(),
    }


def _marks(body: dict[str, Any]) -> list[Mark]:
    """The marks of a stored vote; a vote stored before marks had times holds ``held``."""
    if "marks" not in body:
        entries = [[*entry, True, ORIGIN] for entry in body.get("held", []) if len(entry) == 2]
    else:
        entries = body["marks"]
    return [
        Mark(str(entry[0]), cast(Sentiment, entry[1]), bool(entry[2]), str(entry[3]))
        for entry in entries
        if len(entry) == 4 and entry[1] in ("positive", "negative")
    ]
