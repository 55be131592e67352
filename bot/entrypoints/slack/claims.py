"""Which process handles a Slack request: decided before the ack, made durable after it.

A signed request (command, button, modal) is handled once per timestamp and signature, and an
event once per ``event_id`` (Slack retries events), whatever process or restart receives it.
The durable claim is a conditional write to the state store, the first writer wins.

In a long-running process (``serve``, ``run``) that write was the slowest part of an ack: 50
requests arriving together queued on the store and on the interpreter's lock, and the last
ack came hundreds of milliseconds late. There the ack is decided from this process's memory
of recent requests, and the durable claim is made by the work after the ack, which is skipped
when another process (or this one before a restart) claimed the request first. A listener that
answers inside its ack (help, the alert list, a feedback reason) may then answer a request
replayed to a second process once more; what it writes is the same again.

On Lambda every container has its own memory, so the durable claim is made before the ack.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.adapters.store.base import StateStore, StoreError, put_first
from bot.adapters.store.seen_requests import SeenRequests
from bot.app.ports import Clock

log = logging.getLogger(__name__)
EVENT_KIND = "slack_event"
EVENT_KEEP = timedelta(hours=6)  # Slack retries for about an hour; keep claims well beyond that
WINDOW_SECONDS = 300  # Slack's: a timestamp further than this from now is refused
# A timestamp up to the window ahead stays valid twice the window: keep it that long.
REQUEST_KEEP = timedelta(seconds=2 * WINDOW_SECONDS + 60)
RECENT_LIMIT = 100_000  # keys held in memory per kind; the store still catches older ones


def claim_event(store: StateStore, event_id: str, now: datetime) -> bool:
    """True for the first delivery of ``event_id`` (durable); False when it was seen before."""
    return put_first(store, EVENT_KIND, event_id, {"seen_at": now.isoformat()}, now + EVENT_KEEP)


class RecentKeys:
    """Keys seen in the last ``keep`` by this process (at most ``limit``, oldest dropped)."""

    def __init__(self, keep: timedelta, limit: int = RECENT_LIMIT) -> None:
        self.keep = keep
        self.limit = limit
        self._until: OrderedDict[str, datetime] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: str, now: datetime) -> bool:
        with self._lock:
            while self._until and next(iter(self._until.values())) <= now:
                self._until.popitem(last=False)
            until = self._until.get(key)
            if until is not None and until > now:
                return False
            self._until[key] = now + self.keep
            self._until.move_to_end(key)
            if len(self._until) > self.limit:
                self._until.popitem(last=False)
            return True


class Claims:
    """Claims on requests and events, before the ack and (in a long-running process) after."""

    def __init__(self, store: StateStore, clock: Clock, *, durable_before_ack: bool = True):
        self.store = store
        self.clock = clock
        self.durable_before_ack = durable_before_ack
        self.requests = SeenRequests(store, REQUEST_KEEP)
        self.recent_requests = RecentKeys(REQUEST_KEEP)
        self.recent_events = RecentKeys(EVENT_KEEP)

    def request_before_ack(self, timestamp: str, signature: str) -> bool:
        """False for a signed request already handled (a replay): refuse it."""
        now = self.clock.now()
        if not self.recent_requests.first_time(f"{timestamp}:{signature}", now):
            return False
        return not self.durable_before_ack or self.requests.first_time(timestamp, signature, now)

    def event_before_ack(self, event_id: str) -> bool:
        """False for an event already handled (Slack's retry): ack it and do nothing."""
        now = self.clock.now()
        if not self.recent_events.first_time(event_id, now):
            return False
        return not self.durable_before_ack or claim_event(self.store, event_id, now)

    def after_ack(self, headers: Mapping[str, Sequence[str]], body: Mapping[str, Any]) -> bool:
        """Whether the work after the ack should run here: the durable claim, when the ack
        was decided from memory (a lost claim is logged). A store that cannot be written does
        not stop the work (this process has already refused any replay it received)."""
        if self.durable_before_ack:
            return True
        try:
            first = self._claim(headers, body)
        except StoreError as exc:
            log.warning("claim not saved; the work runs anyway", extra={"reason": str(exc)})
            return True
        if not first:
            log.info("request already handled by another process; its work is skipped")
        return first

    def _claim(self, headers: Mapping[str, Sequence[str]], body: Mapping[str, Any]) -> bool:
        now = self.clock.now()
        event_id = body.get("event_id")
        if isinstance(event_id, str):
            return claim_event(self.store, event_id, now)
        timestamp = _first(headers, "x-slack-request-timestamp")
        signature = _first(headers, "x-slack-signature")
        if not timestamp or not signature:
            return True  # Socket Mode: nothing signed, nothing to replay over HTTP
        return self.requests.first_time(timestamp, signature, now)


def _first(headers: Mapping[str, Sequence[str]], name: str) -> str:
    values = headers.get(name) or ()
    return str(values[0]) if values else ""
