"""HTTP mode: the Bolt app behind Bolt's WSGI adapter, served by waitress."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

EVENTS_PATH = "/slack/events"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def wsgi_app(app: App, path: str = EVENTS_PATH) -> WsgiApp:
    """Slack requests on ``path`` (commands, events, interactivity); ``GET /healthz`` for probes."""
    slack = SlackRequestHandler(app, path=path)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") == "GET":
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n"]
        return slack(environ, start_response)

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
