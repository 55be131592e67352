"""Which Slack message tells the story of which alert.

An alert message (one alert, or several of one rule raised in one cycle) is stored as a
document with its channel, ``ts`` and fingerprints; each alert links to the message of its
current episode. Repeats and resolutions go to that message's thread; edits re-render it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.adapters.store import StateStore

MESSAGE = "slack_message"
LINK = "alert_message"
FAMILY = "alert_family"  # e.g. every level of one budget in one period: one message
KEEP = timedelta(days=30)


@dataclass
class AlertThread:
    key: str
    rule: str
    fingerprints: list[str]
    channel: str = ""
    ts: str | None = None  # None until Slack accepted the post
    created_at: str = ""
    replies: list[str] = field(default_factory=list)  # kinds of replies posted, for the record


class Threads:
    """Alert messages and the links from alerts to them, on any StateStore."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def save(self, thread: AlertThread, now: datetime) -> None:
        body = {
            "rule": thread.rule,
            "fingerprints": thread.fingerprints,
            "channel": thread.channel,
            "ts": thread.ts,
            "created_at": thread.created_at or now.isoformat(),
            "replies": thread.replies,
        }
        self.store.put(MESSAGE, thread.key, body, expires_at=now + KEEP)
        for fingerprint in thread.fingerprints:
            self.store.put(LINK, fingerprint, {"message": thread.key}, expires_at=now + KEEP)

    def get(self, key: str) -> AlertThread | None:
        record = self.store.get(MESSAGE, key)
        if record is None:
            return None
        body = record.body
        return AlertThread(
            key=key,
            rule=body["rule"],
            fingerprints=list(body["fingerprints"]),
            channel=body.get("channel", ""),
            ts=body.get("ts"),
            created_at=body.get("created_at", ""),
            replies=list(body.get("replies", [])),
        )

    def of_alert(self, fingerprint: str) -> AlertThread | None:
        """The message of the alert's current episode, if one was posted."""
        link = self.store.get(LINK, fingerprint)
        return None if link is None else self.get(str(link.body["message"]))

    def join_family(self, family: str, thread: AlertThread, now: datetime) -> None:
        """Later alerts of ``family`` go to ``thread`` instead of a new message."""
        self.store.put(FAMILY, family, {"message": thread.key}, expires_at=now + KEEP)

    def of_family(self, family: str) -> AlertThread | None:
        """The message that tells ``family``'s story, if one was posted."""
        link = self.store.get(FAMILY, family)
        return None if link is None else self.get(str(link.body["message"]))

    def channels(self) -> set[str]:
        """Channel ids alert messages were posted to."""
        return {str(r.body["channel"]) for r in self.store.scan(MESSAGE) if r.body.get("channel")}
