"""Running the Slack app: HTTP (`genai-ops serve`) or Socket Mode (`genai-ops run`).

Both run the poll scheduler in the same process unless polling is turned off. On SIGTERM
(or Ctrl-C) both stop taking requests, let the work in flight finish for up to
``[serve] drain_seconds``, then exit.
"""

from __future__ import annotations

import logging
import signal
import sys
from typing import Any, TextIO

from bot import bootstrap
from bot.app.ports import Clock, Notifier
from bot.config.settings import Settings
from bot.entrypoints.extras import require
from bot.entrypoints.slack.app import SlackAppError, build_app
from bot.entrypoints.slack.server import bound_url, make_server
from bot.entrypoints.slack.services import Services
from bot.entrypoints.slack.warm import warm_up

log = logging.getLogger(__name__)


OUTBOX_INTERVAL_SECONDS = 20
# How long a thread may hold the interpreter's lock while another waits for it (Python's
# default is 5 ms). An ack gives the lock up at each SQLite write and socket call, and takes
# it back after a busy worker thread's turn: 1 ms turns keep those waits short.
ACK_SWITCH_SECONDS = 0.001
RECEIVE_BUFFER_BYTES = 64 * 1024  # Socket Mode: bytes read from the WebSocket per recv


def start_polling(settings: Settings, services: Services) -> Any:
    """The poll scheduler in a background thread, sharing the app's state store.

    Besides the poll, a short job delivers the outbox between polls, so a notice held back
    by a Slack outage or ``Retry-After`` goes out soon after Slack is back.
    """
    from bot.entrypoints.digest import add_digest_jobs
    from bot.entrypoints.scheduler import start_background

    poller = bootstrap.poller(settings, store=services.store, at=services.clock)
    scheduler = start_background(poller, services.clock, settings.polling.interval_seconds)
    scheduler.add_job(
        _flush_outbox,
        "interval",
        args=[poller.notifier, services.clock],
        seconds=OUTBOX_INTERVAL_SECONDS,
        id="outbox",
        coalesce=True,
        max_instances=1,
    )
    add_digest_jobs(scheduler, settings, services.store, services.clock)
    return scheduler


def _flush_outbox(notifier: Notifier, clock: Clock) -> None:
    try:
        notifier.flush(clock.now())
    except Exception:
        log.exception("outbox delivery failed; retrying on the next tick")


def _drain(services: Services, seconds: float) -> None:
    """Wait for acks, lazy listeners and asks in flight; log what had to be left."""
    unfinished = services.workers.drain(seconds)
    if unfinished:
        log.warning(
            "stopping with work unfinished", extra={"unfinished": unfinished, "waited": seconds}
        )
    else:
        log.info("stopped after the work in flight was done")


def favour_acks() -> None:
    """Shorter turns for threads holding the interpreter's lock (see ACK_SWITCH_SECONDS)."""
    sys.setswitchinterval(ACK_SWITCH_SECONDS)


def _exit_on_sigterm() -> None:
    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)


def serve(settings: Settings, host: str, port: int, poll: bool, out: TextIO) -> int:
    """Serve Slack requests over HTTP until stopped (Ctrl-C or SIGTERM)."""
    if not settings.secret("slack_signing_secret"):
        raise SlackAppError(
            "SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it "
            "(Slack app settings > Basic Information > App Credentials)"
        )
    require("waitress", "http", "HTTP mode (genai-ops serve)")
    services = bootstrap.services(settings)
    app = build_app(settings, services)
    warm_up(services)
    favour_acks()
    server = make_server(app, services.gate, host, port, settings.serve)
    scheduler = start_polling(settings, services) if poll else None
    _exit_on_sigterm()
    out.write(f"genai-ops: serving Slack requests on {bound_url(server)}\n")
    out.flush()
    log.info("serving", extra={"url": bound_url(server), "polling": poll})
    try:
        server.run()
    finally:
        server.close()  # no new connections
        server.task_dispatcher.shutdown()  # requests being handled finish (up to 5 s)
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        _drain(services, settings.serve.drain_seconds)
    return 0


def run_socket_mode(settings: Settings, poll: bool, out: TextIO) -> int:
    """Connect to Slack over Socket Mode and handle requests until stopped."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    app_token = settings.secret("slack_app_token")
    if not app_token:
        raise SlackAppError(
            "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-...) with "
            "the connections:write scope; or run `genai-ops serve` for HTTP mode"
        )
    services = bootstrap.services(settings)
    app = build_app(settings, services)
    warm_up(services)
    favour_acks()
    # Read each burst of envelopes in a few recv calls rather than 1 KB at a time: the client
    # parses frames in Python, under the same GIL as the acks.
    handler = SocketModeHandler(app, app_token, receive_buffer_size=RECEIVE_BUFFER_BYTES)
    scheduler = start_polling(settings, services) if poll else None
    _exit_on_sigterm()
    try:
        handler.connect()
        out.write("genai-ops: connected to Slack in Socket Mode\n")
        out.flush()
        log.info("socket mode connected", extra={"polling": poll})
        signal.pause()
    except SlackApiError as exc:
        reason = exc.response.get("error", "unknown_error")
        raise SlackAppError(
            f"Slack refused the Socket Mode connection: {reason} (check SLACK_APP_TOKEN "
            "and that Socket Mode is enabled for the app)"
        ) from None
    finally:
        handler.close()
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        _drain(services, settings.serve.drain_seconds)
    return 0
