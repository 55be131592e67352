"""The Bolt app: one factory; listeners live in small modules, each with ``register``.

To add listeners, write a module with ``register(app, services)`` and add it to
``LISTENERS``. The same app runs in Socket Mode (``genai-ops run``), over HTTP
(``genai-ops serve``) and on Lambda (``process_before_response=True``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import replace

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltError

from bot.config.settings import Settings
from bot.entrypoints.slack import (
    access,
    alert_buttons,
    alerts_command,
    ask,
    dedupe,
    feedback,
    stats_command,
)
from bot.entrypoints.slack import help as help_command
from bot.entrypoints.slack.services import Services

log = logging.getLogger(__name__)

Register = Callable[[App, Services], None]

# Middleware first, dedupe before access. Bolt then tries each listener's matcher in the
# order registered, for every request: the most frequent first (reactions, on every message
# of the bot's channels; then the commands), button clicks last.
LISTENERS: list[Register] = [
    dedupe.register,
    access.register,
    feedback.register,
    help_command.register,
    stats_command.register,
    ask.register,
    alerts_command.register,
    alert_buttons.register,
    feedback.register_reasons,
]


class SlackAppError(Exception):
    """The Slack app cannot start (no token, token rejected, Slack unreachable)."""


def build_app(settings: Settings, services: Services, *, on_lambda: bool = False) -> App:
    """A Bolt ``App`` with every listener registered; calls Slack's ``auth.test`` once.

    Acks are always made on the thread that received the request; the work after them runs
    in the app's own pools, or in a lazy Lambda invocation when ``on_lambda``.

    Raises SlackAppError with an actionable message when the bot token is missing or bad.
    """
    if not settings.secret("slack_bot_token"):
        raise SlackAppError(
            "SLACK_BOT_TOKEN is not set: the Slack app needs the bot token xoxb-..."
        )
    # Without a signing secret no HTTP request can be verified: use an unguessable one so
    # every HTTP request is rejected (Socket Mode does not sign requests).
    signing_secret = settings.secret("slack_signing_secret") or secrets.token_hex(32)
    try:
        app = App(
            name="genai-ops",
            client=services.slack,
            signing_secret=signing_secret,
            # The ack is computed before the response on the request's own thread; the work
            # after it goes to our pools (or a lazy invocation on Lambda): see after_ack.
            process_before_response=True,
            listener_executor=services.workers.listeners,
        )
    except BoltError as exc:
        raise SlackAppError(f"Slack rejected the bot token: {_reason(exc)}") from None
    except OSError as exc:
        raise SlackAppError(
            f"cannot reach Slack at {settings.slack.api_url} ({exc}); "
            "check the network or GENAI_OPS_SLACK_API_URL"
        ) from None
    # Bolt logs the body of a request whose signature fails at INFO; bodies may hold prompts.
    logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.WARNING)
    services = replace(services, on_lambda=on_lambda)
    # Off Lambda the process remembers what it acked: the store is written after the ack.
    services.claims.durable_before_ack = on_lambda
    services.access.resolve_alert_channel()  # a #name is looked up once, at start-up
    for register in LISTENERS:
        register(app, services)
    app.error(malformed_is_400)
    hush_bolt()
    return app


MALFORMED = (TypeError, ValueError, KeyError, IndexError, AttributeError)


def malformed_is_400(error: Exception) -> BoltResponse | None:
    """A payload shape that a listener could not read gets 400, not Bolt's 500; the log
    names the error and where it was raised, never the body."""
    frame = error.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    where = f"{frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame else "?"
    if isinstance(error, MALFORMED):
        log.warning(
            "Slack payload not understood", extra={"error": type(error).__name__, "at": where}
        )
        return BoltResponse(status=400, body="malformed request")
    log.error("Slack request failed", extra={"error": type(error).__name__, "at": where})
    return None


def hush_bolt() -> None:
    """Keep Bolt's own loggers at INFO or above: at DEBUG they print request and response
    bodies (command text, usage replies that quote it), which may hold prompts."""
    names = [
        n for n in logging.root.manager.loggerDict if n.startswith(("slack_bolt", "genai-ops"))
    ]
    for name in names:
        logger = logging.getLogger(name)
        if logger.level < logging.INFO:
            logger.setLevel(logging.INFO)


def _reason(exc: BoltError) -> str:
    text = str(exc)
    for hint in ("invalid_auth", "not_authed", "account_inactive", "token_revoked"):
        if hint in text:
            return f"{hint} (check SLACK_BOT_TOKEN)"
    return text.split("\n")[0][:200]
