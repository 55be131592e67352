"""``reaction_added`` / ``reaction_removed`` on /genai-ask answers: votes and metrics."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt import App, BoltContext

from bot import wiring
from bot.aws.errors import AwsError
from bot.store import StoreError

log = logging.getLogger(__name__)


def register(app: App, services: wiring.Services) -> None:
    """Adds the two reaction listeners."""
    feedback = wiring.feedback_service(services.settings, services.store, region=services.region)

    def handle(event: dict[str, Any], context: BoltContext, added: bool) -> None:
        try:
            feedback.on_reaction(event, added, context.bot_user_id, datetime.now(UTC))
        except (AwsError, StoreError) as exc:
            log.warning("feedback not counted", extra={"reason": str(exc)})

    @app.event("reaction_added")
    def reaction_added(event: dict[str, Any], context: BoltContext) -> None:
        handle(event, context, added=True)

    @app.event("reaction_removed")
    def reaction_removed(event: dict[str, Any], context: BoltContext) -> None:
        handle(event, context, added=False)
