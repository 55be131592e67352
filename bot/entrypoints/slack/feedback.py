"""``reaction_added`` / ``reaction_removed`` on /genai-ask answers: votes and metrics; after a
👎, an ephemeral "why?" to the voter, whose choice (or "other" text, via a modal) is recorded.

Slack gets its answer first: in a long-running process the vote is counted on the app's
listener pool after the ack; on Lambda it is counted before the function answers (a vote is
one store write and one metric).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.aws.errors import AwsError
from bot.adapters.slack import feedback_reason as ui
from bot.adapters.store import StoreError
from bot.entrypoints.slack.services import Services

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    """Adds the two reaction listeners (the reason buttons and modal: ``register_reasons``)."""
    feedback = services.feedback
    pool = services.workers.listeners

    def handle(event: dict[str, Any], bot_user: str | None, added: bool) -> None:
        try:
            change = feedback.on_reaction(event, added, bot_user, services.clock.now())
        except (AwsError, StoreError) as exc:
            log.warning("feedback not counted", extra={"reason": str(exc)})
            return
        except Exception:  # on the pool nobody else would hear of it
            log.exception("feedback not counted")
            return
        if added and change and change.after == "negative" and change.before != "negative":
            ask_why(event)

    def claimed(
        body: dict[str, Any], event: dict[str, Any], bot_user: str | None, added: bool
    ) -> None:
        try:
            first = services.claims.after_ack({}, body)
        except Exception:  # on the pool nobody else would hear of it
            log.exception("feedback not counted")
            return
        if first:
            handle(event, bot_user, added)

    def ask_why(event: dict[str, Any]) -> None:
        item = event.get("item") or {}
        channel, ts = str(item.get("channel", "")), str(item.get("ts", ""))
        try:
            services.slack.chat_postEphemeral(
                channel=channel, user=str(event["user"]), **ui.reason_choice(channel, ts)
            )
        except SlackApiError as exc:
            log.info("feedback reason not asked", extra={"reason": exc.response.get("error")})

    def listener(added: bool) -> Callable[..., None]:
        def inline(event: dict[str, Any], context: BoltContext) -> None:
            handle(event, context.bot_user_id, added)

        def after_ack(
            ack: Ack, event: dict[str, Any], context: BoltContext, body: dict[str, Any]
        ) -> None:
            ack()
            pool.submit(claimed, body, event, context.bot_user_id, added)

        return inline if services.on_lambda else after_ack

    app.event("reaction_added")(listener(added=True))
    app.event("reaction_removed")(listener(added=False))


def register_reasons(app: App, services: Services) -> None:
    """Adds the reason buttons asked after a 👎 and the "other" modal."""

    def record(body: dict[str, Any], reason: str, channel: str, ts: str, text: str) -> str:
        user = str((body.get("user") or {}).get("id", ""))
        try:
            services.feedback.record_reason(channel, ts, user, reason, text, services.clock.now())
        except ValueError as exc:
            return f"Not recorded: {exc}."
        except (AwsError, StoreError) as exc:
            log.warning("feedback reason not recorded", extra={"reason": str(exc)})
            return "Not recorded: the bot could not save it just now; please try again."
        return ui.thanks(reason)

    @app.action(re.compile(f"^{ui.REASON_ACTION}_"))
    def reason_clicked(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        parsed = ui.parse_value(str(body["actions"][0].get("value", "")))
        if parsed is None:
            return
        reason, channel, ts = parsed
        if reason == "other":
            client.views_open(trigger_id=body["trigger_id"], view=ui.other_modal(channel, ts))
            return
        respond(text=record(body, reason, channel, ts, ""), replace_original=True)

    @app.view(ui.OTHER_VIEW)
    def other_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        ack()
        channel, _, ts = str(view.get("private_metadata", "")).partition("|")
        values = (view.get("state") or {}).get("values") or {}
        text = str(((values.get(ui.TEXT_BLOCK) or {}).get(ui.TEXT_ACTION) or {}).get("value") or "")
        record(body, "other", channel, ts, text)
