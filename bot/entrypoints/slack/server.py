"""HTTP mode: the Bolt app behind Bolt's WSGI adapter, served by waitress.

Every POST to the events path passes the gate (signature, freshness, shape, replay) before
Bolt sees it. waitress bounds what clients can hold: bodies above the limit get 413 unread,
idle connections are closed, and the number of connections is capped (see ``[serve]``).
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.config.serving import ServeSettings
from bot.entrypoints.slack.gate import LAZY_HEADERS, SlackGate

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
TEXT = [("Content-Type", "text/plain; charset=utf-8")]
STATUS = {400: "400 Bad Request", 401: "401 Unauthorized"}


def wsgi_app(app: App, gate: SlackGate, path: str = EVENTS_PATH) -> WsgiApp:
    """Slack requests on ``path`` (commands, events, interactivity); ``GET /healthz`` for probes."""
    slack = SlackRequestHandler(app, path=path)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") == "GET":
            start_response("200 OK", TEXT)
            return [b"ok\n"]
        for name in LAZY_HEADERS:  # only Bolt itself may ask for a lazy-only run
            environ.pop("HTTP_" + name.upper().replace("-", "_"), None)
        if environ.get("PATH_INFO") == path and environ.get("REQUEST_METHOD") == "POST":
            body = _read_body(environ)
            rejection = gate.check(_headers(environ), body)
            if rejection is not None:
                start_response(STATUS[rejection.status], TEXT)
                return [rejection.reason.encode() + b"\n"]
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        try:
            return slack(environ, start_response)
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
            # A shape the gate does not know: answer 400 without a traceback or the body.
            log.warning("malformed Slack request rejected", extra={"error": type(exc).__name__})
            start_response(STATUS[400], TEXT, sys.exc_info())
            return [b"malformed request\n"]

    return application


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    headers["content-type"] = str(environ.get("CONTENT_TYPE", ""))
    return headers


def make_server(app: App, gate: SlackGate, host: str, port: int, limits: ServeSettings) -> Any:
    """A waitress server bound to ``host:port`` (port 0 picks a free one); call ``.run()``.

    ``limits.threads`` bounds concurrent requests; slow work runs in Bolt's lazy listeners,
    so acks stay fast while long asks are in flight.
    """
    from waitress import create_server

    return create_server(
        wsgi_app(app, gate),
        host=host,
        port=port,
        threads=limits.threads,
        ident="genai-ops",
        clear_untrusted_proxy_headers=True,
        # waitress refuses a body of max_request_body_size bytes or more (413, unread).
        max_request_body_size=limits.max_body_bytes + 1,
        max_request_header_size=64 * 1024,
        connection_limit=limits.connection_limit,
        channel_timeout=limits.idle_timeout_seconds,
        # Idle connections are looked for this often; poll() has no FD_SETSIZE ceiling.
        cleanup_interval=max(1, min(limits.idle_timeout_seconds // 2, 30)),
        asyncore_use_poll=True,
    )


def bound_url(server: Any) -> str:
    """The URL Slack should call, from the address the server actually bound."""
    return f"http://{server.effective_host}:{server.effective_port}{EVENTS_PATH}"
