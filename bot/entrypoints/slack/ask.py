"""``/genai-ask``: ack at once, ask Bedrock after the ack, post the answer(s).

The answer is posted with ``chat.postMessage`` and its channel and ts recorded, so reactions
on it become feedback. ``compare`` posts a summary, then one rateable answer per model in its
thread. Problems reach only the asker (ephemeral, through ``response_url``).

The ack is made on the request's thread; the ask then runs on a pool of asks of its own in a
long-running process (so asks waiting seconds for a model never hold up other work), or in a
lazy invocation of its own on Lambda (see ``after_ack``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.aws.bedrock_runtime import Caller
from bot.adapters.slack.ask_render import VOTE_REACTIONS, answer_messages, compare_summary
from bot.adapters.slack.mrkdwn import escape
from bot.app.ask.request import AskRequest, AskUsageError
from bot.app.ask.service import AskOutcome, AskService, Refused
from bot.entrypoints.slack.after_ack import listen
from bot.entrypoints.slack.services import Services

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    """Adds ``/genai-ask`` (an ack, then the slow part after it)."""
    asks = services.asks

    def acknowledge(ack: Ack, command: dict[str, Any]) -> None:
        try:
            request = asks.parse(command.get("text", ""))
            asks.check_channel(command.get("channel_id", ""))
            asks.check_models(request)
        except (AskUsageError, Refused) as exc:
            ack(text=f":warning: {exc}")
            return
        names = ", ".join(f"`{model}`" for model in request.models)
        ack(text=f":hourglass_flowing_sand: Asking {names}…")

    # Named ``answer``: on Lambda Bolt re-invokes the lazy function by this name, so it stays
    # the same across versions (an invocation in flight during a deploy still finds it).
    def answer(command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        try:
            ask(command, client, respond)
        except Exception:
            log.exception("ask failed")
            respond(text=":warning: Something went wrong; the ask was not answered.")

    def ask(command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        now = services.clock.now()
        caller = Caller(command.get("user_id", ""), command.get("channel_id", ""))
        try:
            request = asks.parse(command.get("text", ""))
            asks.check_channel(caller.channel)
            asks.check_models(request)
        except (AskUsageError, Refused):
            return  # the ack already said why
        try:
            hold = asks.admit(request, caller, now)
        except Refused as exc:
            respond(text=f":no_entry: {exc}", response_type="ephemeral")
            return
        outcomes = asks.answer(request, caller, now, hold)
        try:
            post(client, asks, request, caller, outcomes, respond, now)
        except SlackApiError as exc:
            error = exc.response.get("error", "unknown_error")
            log.warning("answer not posted", extra={"reason": error, "channel": caller.channel})
            respond(
                text=f":warning: The answer could not be posted here ({error}). "
                "Invite the bot to this channel (`/invite @genai-ops`) and ask again.",
                response_type="ephemeral",
            )

    # Asks wait seconds on a model: they get a pool of their own, so they never hold up the
    # work of other commands (and on Lambda an invocation of their own).
    pool = services.workers.asks
    listen(
        app,
        app.command("/genai-ask"),
        acknowledge,
        answer,
        pool,
        on_lambda=services.on_lambda,
        claims=services.claims,
    )


def post(
    client: WebClient,
    asks: AskService,
    request: AskRequest,
    caller: Caller,
    outcomes: list[AskOutcome],
    respond: Respond,
    now: datetime,
) -> None:
    """Post the outcome(s): one answer, or a compare summary with the answers in its thread."""
    rateable = [o for o in outcomes if o.answer is not None and not blocked(o)]
    if not rateable:
        # Nothing to share: errors and guardrail blocks go to the asker alone, so a question
        # the guardrail stopped (personal data, a denied topic) is never quoted in the channel.
        for outcome in outcomes:
            respond(text=private_notice(outcome), response_type="ephemeral")
        return
    if not request.compare:
        post_answer(client, asks, request.question, caller, rateable[0], None, now)
        return
    summary = compare_summary(request.question, caller.user, outcomes)
    thread = _post(client, caller.channel, summary, None)
    for outcome in rateable:
        post_answer(client, asks, request.question, caller, outcome, thread, now)


def blocked(outcome: AskOutcome) -> bool:
    return outcome.answer is not None and outcome.answer.guardrail_intervened


def private_notice(outcome: AskOutcome) -> str:
    """What the asker alone is told about an outcome that is not posted."""
    if outcome.answer is not None:
        return (
            f":shield: The guardrail intervened on `{outcome.model_id}`; its message: "
            f"{escape(outcome.answer.text)}"
        )
    return f":warning: {outcome.error}"


def post_answer(
    client: WebClient,
    asks: AskService,
    question: str,
    caller: Caller,
    outcome: AskOutcome,
    thread: str | None,
    now: datetime,
) -> str:
    """Post one answer (continuations in its thread) and record it for feedback; its ts."""
    first, *rest = answer_messages(question, caller.user, outcome)
    ts = _post(client, caller.channel, first, thread)
    asks.remember(outcome, caller.channel, ts, caller.user, now)
    _offer_votes(client, caller.channel, ts)
    for message in rest:
        _post(client, caller.channel, message, thread or ts)
    return ts


def _offer_votes(client: WebClient, channel: str, ts: str) -> None:
    """:+1: and :-1: on the answer, so people only have to click one (the bot's own
    reactions are not counted as votes)."""
    for name in VOTE_REACTIONS:
        try:
            client.reactions_add(channel=channel, timestamp=ts, name=name)
        except SlackApiError as exc:  # the answer stands; voting still works by hand
            log.warning("vote reaction not added", extra={"reason": exc.response.get("error")})


def _post(client: WebClient, channel: str, message: dict[str, Any], thread: str | None) -> str:
    response = client.chat_postMessage(
        channel=channel,
        text=message["text"],
        blocks=message["blocks"],
        thread_ts=thread,
        unfurl_links=False,
        unfurl_media=False,
    )
    return str(response["ts"])
