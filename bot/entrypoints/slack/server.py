"""HTTP mode: the Bolt app behind Bolt's WSGI adapter, served by waitress."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def wsgi_app(app: App, path: str = EVENTS_PATH) -> WsgiApp:
    """Slack requests on ``path`` (commands, events, interactivity); ``GET /healthz`` for probes."""
    slack = SlackRequestHandler(app, path=path)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") == "GET":
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n"]
        try:
            return slack(environ, start_response)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            # Bolt builds its context from the body before it checks the signature, and some
            # malformed bodies (e.g. ``"user": false``) make that raise. Answer 400 without a
            # traceback or the body in the logs.
            log.warning("malformed Slack request rejected", extra={"error": type(exc).__name__})
            start_response(
                "400 Bad Request",
                [("Content-Type", "text/plain; charset=utf-8")],
                sys.exc_info(),
            )
            return [b"malformed request\n"]

    return application


def make_server(app: App, host: str, port: int, threads: int = 8) -> Any:
    """A waitress server bound to ``host:port`` (port 0 picks a free one); call ``.run()``.

    ``threads`` bounds concurrent requests; slow work runs in Bolt's lazy listeners, so acks
    stay fast while long asks are in flight.
    """
    from waitress import create_server

    return create_server(
        wsgi_app(app),
        host=host,
        port=port,
        threads=threads,
        ident="genai-ops",
        clear_untrusted_proxy_headers=True,
    )


def bound_url(server: Any) -> str:
    """The URL Slack should call, from the address the server actually bound."""
    return f"http://{server.effective_host}:{server.effective_port}{EVENTS_PATH}"
