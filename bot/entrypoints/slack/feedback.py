"""``reaction_added`` / ``reaction_removed`` on /genai-ask answers: votes and metrics.

Slack gets its answer first: in a long-running process the vote is counted on the app's
listener pool after the ack; on Lambda it is counted before the function answers (a vote is
one store write and one metric).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.adapters.aws.errors import AwsError
from bot.adapters.store import StoreError
from bot.entrypoints.slack.services import Services

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    """Adds the two reaction listeners."""
    feedback = services.feedback
    pool = services.workers.listeners

    def handle(event: dict[str, Any], bot_user: str | None, added: bool) -> None:
        try:
            feedback.on_reaction(event, added, bot_user, services.clock.now())
        except (AwsError, StoreError) as exc:
            log.warning("feedback not counted", extra={"reason": str(exc)})
        except Exception:  # on the pool nobody else would hear of it
            log.exception("feedback not counted")

    def listener(added: bool) -> Callable[..., None]:
        def inline(event: dict[str, Any], context: BoltContext) -> None:
            handle(event, context.bot_user_id, added)

        def after_ack(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
            ack()
            pool.submit(handle, event, context.bot_user_id, added)

        return inline if services.on_lambda else after_ack

    app.event("reaction_added")(listener(added=True))
    app.event("reaction_removed")(listener(added=False))
