"""``reaction_added`` / ``reaction_removed`` on /genai-ask answers: votes and metrics."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.adapters.aws.errors import AwsError
from bot.adapters.store import StoreError
from bot.entrypoints.slack.services import Services

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    """Adds the two reaction listeners."""
    feedback = services.feedback

    def handle(event: dict[str, Any], context: BoltContext, added: bool) -> None:
        try:
            feedback.on_reaction(event, added, context.bot_user_id, services.clock.now())
        except (AwsError, StoreError) as exc:
            log.warning("feedback not counted", extra={"reason": str(exc)})

    @app.event("reaction_added")
    def reaction_added(event: dict[str, Any], context: BoltContext) -> None:
        handle(event, context, added=True)

    @app.event("reaction_removed")
    def reaction_removed(event: dict[str, Any], context: BoltContext) -> None:
        handle(event, context, added=False)
