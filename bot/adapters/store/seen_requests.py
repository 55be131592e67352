"""Signed Slack requests already handled, so a replay inside the signature window is refused.

Each request is remembered by its timestamp and signature with a conditional put (the first
wins, even across processes and Lambda containers) and expires, by the store's clock, once
the signature could no longer be accepted anyway.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from bot.adapters.store.base import StateStore, put_first

KIND = "slack_request"


class SeenRequests:
    def __init__(self, store: StateStore, keep: timedelta) -> None:
        self.store = store
        self.keep = keep

    def first_time(self, timestamp: str, signature: str, now: datetime) -> bool:
        """True the first time this (timestamp, signature) is seen; False for a replay."""
        key = hashlib.sha256(f"{timestamp}:{signature}".encode()).hexdigest()
        return put_first(self.store, KIND, key, {"at": timestamp}, now + self.keep)
