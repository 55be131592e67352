"""Answer Slack first, then do the work: how every listener with slow work is registered.

The app always runs its ack functions on the thread that received the request
(``process_before_response``), so an ack never waits for a free worker thread or for Bolt's
10 ms polling of an ack made elsewhere. What comes after the ack depends on where the app runs:

- in a long-running process (``serve``, ``run``) the listener acks, then hands the work to one
  of the app's own pools (:class:`~bot.entrypoints.slack.workers.Workers`) and returns, so the
  HTTP answer or the Socket Mode envelope goes back at once; the work first makes the
  request's durable claim (:mod:`~bot.entrypoints.slack.claims`) and is skipped when another
  process handled the same request;
- on Lambda, Bolt's lazy listeners give the work an invocation of its own.

Ack functions take ``(ack, payload)`` and work functions ``(payload, client, respond)``, with
parameter names Bolt can inject on Lambda (``command`` or ``body`` for the payload).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

from slack_bolt import Ack, App, Args, Respond
from slack_sdk import WebClient

from bot.entrypoints.slack.claims import Claims

log = logging.getLogger(__name__)

AckFunction = Callable[[Ack, dict[str, Any]], None]
Work = Callable[[dict[str, Any], WebClient, Respond], None]
Register = Callable[..., Any]  # e.g. app.command("/genai-stats")


def just_ack(ack: Ack, body: dict[str, Any]) -> None:
    """The ack of a request whose whole answer comes later (events, button clicks)."""
    ack()


def listen(
    app: App,
    register: Register,
    acknowledge: AckFunction,
    work: Work,
    pool: Executor,
    *,
    on_lambda: bool,
    claims: Claims,
) -> None:
    """Register ``acknowledge`` and ``work`` with ``register`` (e.g. ``app.command(name)``)."""
    if on_lambda:
        register(ack=acknowledge, lazy=[work])
        return

    def ack_then_hand_over(args: Args) -> None:
        acknowledge(args.ack, args.body)
        headers = args.request.headers
        pool.submit(_run, work, args.body, args.client, args.respond, claims, headers)

    register(ack_then_hand_over)


def _run(
    work: Work,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    claims: Claims,
    headers: Mapping[str, Sequence[str]],
) -> None:
    try:
        if claims.after_ack(headers, body):
            work(body, client, respond)
    except Exception:  # the pool has no one to tell: log it, keep serving
        log.exception("work after the ack failed", extra={"work": work.__name__})
