"""Each Slack event is handled once, whatever Slack retries (``X-Slack-Retry-Num``).

The first delivery of an ``event_id`` claims it in the state store with a conditional put;
later deliveries (retries, or a second process racing) lose the claim and are acked unhandled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.adapters.store import Conflict, StateStore
from bot.entrypoints.slack.services import Services

log = logging.getLogger(__name__)
KIND = "slack_event"
KEEP = timedelta(hours=6)  # Slack retries for about an hour; keep claims well beyond that


def claim(store: StateStore, event_id: str, now: datetime) -> bool:
    """True for the first delivery of ``event_id``; False when it was seen before."""
    try:
        store.put(
            KIND, event_id, {"seen_at": now.isoformat()}, expected_version=0, expires_at=now + KEEP
        )
    except Conflict:
        return False
    return True


def register(app: App, services: Services) -> None:
    """Adds the dedupe middleware (runs after Bolt's signature check)."""

    @app.middleware
    def once_per_event(
        req: BoltRequest, body: dict[str, Any], next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not claim(services.store, event_id, services.clock.now()):
            retry = req.headers.get("x-slack-retry-num", ["0"])[0]
            log.info("duplicate event ignored", extra={"event_id": event_id, "retry": retry})
            return BoltResponse(status=200, body="")
        return next()
