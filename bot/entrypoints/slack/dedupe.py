"""Each Slack event is handled once, whatever Slack retries (``X-Slack-Retry-Num``).

The first delivery of an ``event_id`` claims it (``claims``: in memory in a long-running
process, then durably by the work after the ack; durably before the ack on Lambda); later
deliveries (retries, or a second process racing) lose the claim and are acked unhandled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.entrypoints.slack.services import Services

log = logging.getLogger(__name__)


class OncePerEvent(Middleware):
    """Acks a delivery of an event already claimed, unhandled.

    A ``Middleware`` object rather than a function: Bolt calls it with the request as is,
    without building every injectable argument for each request.
    """

    def __init__(self, services: Services) -> None:
        self.claims = services.claims

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        event_id = req.body.get("event_id")
        if isinstance(event_id, str) and not self.claims.event_before_ack(event_id):
            retry = req.headers.get("x-slack-retry-num", ["0"])[0]
            log.info("duplicate event ignored", extra={"event_id": event_id, "retry": retry})
            return BoltResponse(status=200, body="")
        return next()


def register(app: App, services: Services) -> None:
    """Adds the dedupe middleware (runs after Bolt's signature check)."""
    app.middleware(OncePerEvent(services))
