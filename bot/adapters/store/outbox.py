"""The outbox: every alert notice is written to the state store before Slack sees it.

Entries are delivered in the order they were written (keys sort by time of writing), retried
with backoff across polls and restarts when Slack is rate limiting, failing or unreachable,
and set aside (``outbox_dead``) with the reason when Slack refuses them for good.
"""

from __future__ import annotations

import itertools
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from alarms.lifecycle import Notice
from bot.adapters.store import Conflict, StateStore, Write

KIND = "outbox"
DEAD = "outbox_dead"
LOCK = "outbox_lock"
DEAD_KEEP = timedelta(days=7)
_counter = itertools.count()
HOLDER = f"{socket.gethostname()}:{os.getpid()}"


def _abandoned(holder: str) -> bool:
    """Whether ``holder`` (host:pid) is a process of this host that has ended."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass
class Entry:
    key: str
    notice: Notice
    fingerprint: str
    rule: str
    batch: str  # entries of one poll cycle share a batch; firing ones of a rule are grouped
    created_at: str
    attempts: int = 0
    not_before: str | None = None  # ISO time before which no retry is made
    last_error: str | None = None
    held_until: str | None = None  # ISO time a muted route's notice waits for

    def body(self) -> dict[str, Any]:
        return {
            "notice": self.notice.value,
            "fingerprint": self.fingerprint,
            "rule": self.rule,
            "batch": self.batch,
            "created_at": self.created_at,
            "attempts": self.attempts,
            "not_before": self.not_before,
            "last_error": self.last_error,
            "held_until": self.held_until,
        }

    @classmethod
    def from_record(cls, key: str, body: dict[str, Any]) -> Entry:
        return cls(
            key=key,
            notice=Notice(body["notice"]),
            fingerprint=body["fingerprint"],
            rule=body["rule"],
            batch=body["batch"],
            created_at=body["created_at"],
            attempts=int(body.get("attempts", 0)),
            not_before=body.get("not_before"),
            last_error=body.get("last_error"),
            held_until=body.get("held_until"),
        )

    def due(self, now: datetime) -> bool:
        return self.not_before is None or datetime.fromisoformat(self.not_before) <= now

    def held(self, now: datetime) -> bool:
        """Whether the entry waits for its route's mute to end."""
        return self.held_until is not None and now < datetime.fromisoformat(self.held_until)


class Outbox:
    """Outbox entries on any StateStore."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def add(self, notice: Notice, fingerprint: str, rule: str, batch: str, now: datetime) -> Entry:
        write = self.entry(notice, fingerprint, rule, batch, now)
        self.store.put_all([write])
        return Entry.from_record(write.key, write.body)

    def entry(
        self, notice: Notice, fingerprint: str, rule: str, batch: str, now: datetime
    ) -> Write:
        """The write that queues a notice, for a caller that commits it with other writes."""
        key = f"{time.time_ns():020d}-{os.getpid():07d}-{next(_counter):06d}"
        entry = Entry(key, notice, fingerprint, rule, batch, now.isoformat())
        return Write(KIND, key, entry.body(), expected_version=0)

    def pending(self) -> list[Entry]:
        """Every undelivered entry, oldest first."""
        return [Entry.from_record(r.key, r.body) for r in self.store.scan(KIND)]

    def done(self, entry: Entry) -> None:
        self.store.delete(KIND, entry.key)

    def retry_later(self, entry: Entry, reason: str, not_before: datetime) -> None:
        entry.attempts += 1
        entry.last_error = reason
        entry.not_before = not_before.isoformat()
        self.store.put(KIND, entry.key, entry.body())

    def hold(self, entry: Entry, until: datetime) -> None:
        """Keep the entry until its route's mute ends (other entries go on meanwhile)."""
        entry.held_until = until.isoformat()
        self.store.put(KIND, entry.key, entry.body())

    def give_up(self, entry: Entry, reason: str, now: datetime) -> None:
        """Set the entry aside for good; ``check-config`` reports it."""
        entry.last_error = reason
        body = entry.body() | {"failed_at": now.isoformat()}
        self.store.put(DEAD, entry.key, body, expires_at=now + DEAD_KEEP)
        self.store.delete(KIND, entry.key)

    def dead(self) -> list[Entry]:
        """Entries Slack refused for good in the last week, oldest first."""
        return [Entry.from_record(r.key, r.body) for r in self.store.scan(DEAD)]

    def lock(
        self, now: datetime, holder: str = HOLDER, lease: timedelta = timedelta(minutes=2)
    ) -> bool:
        """Take the delivery lease (one deliverer at a time across processes).

        A lease left by a process of this host that no longer runs (killed mid-delivery) is
        taken over at once; elsewhere (Lambda) a lease left behind lapses after ``lease``.
        """
        expires = now + lease
        try:
            self.store.put(
                LOCK, "deliver", {"holder": holder}, expected_version=0, expires_at=expires
            )
            return True
        except Conflict:
            held = self.store.get(LOCK, "deliver")
            if held is None or not _abandoned(str(held.body.get("holder", ""))):
                return False
        try:
            self.store.put(
                LOCK,
                "deliver",
                {"holder": holder},
                expected_version=held.version,
                expires_at=expires,
            )
        except Conflict:
            return False
        return True

    def unlock(self) -> None:
        self.store.delete(LOCK, "deliver")
