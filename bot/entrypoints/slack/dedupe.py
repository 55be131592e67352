"""Each Slack event is handled once, whatever Slack retries (``X-Slack-Retry-Num``).

The first delivery of an ``event_id`` claims it (``claims``: in memory in a long-running
process, then durably by the work after the ack; durably before the ack on Lambda); later
deliveries (retries, or a second process racing) lose the claim and are acked unhandled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.entrypoints.slack.services import Services

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    """Adds the dedupe middleware (runs after Bolt's signature check)."""

    @app.middleware
    def once_per_event(
        req: BoltRequest, body: dict[str, Any], next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not services.claims.event_before_ack(event_id):
            retry = req.headers.get("x-slack-retry-num", ["0"])[0]
            log.info("duplicate event ignored", extra={"event_id": event_id, "retry": retry})
            return BoltResponse(status=200, body="")
        return next()
