"""CPU time per Slack ack on the thread that receives the request, in-process.

Wall-clock ack times on a shared 2-core machine mostly measure the other processes. The CPU
time the receiving thread spends from request to answer does not depend on the load: it is
what fixes how many acks a core can make, so it is the figure to compare between runs. The
real app is built by the bootstrap (against the same fakes as the timed runs), and each
request goes through the real WSGI application (gate, then Bolt) without a socket.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from bot import bootstrap
from bot.config.load import load_settings
from bot.entrypoints.slack.app import build_app
from bot.entrypoints.slack.server import wsgi_app
from bot.entrypoints.slack.warm import warm_up
from tests.support.signing import (
    FORM,
    JSON,
    SIGNING_SECRET,
    command_body,
    event_body,
    reaction_event,
    signed_headers,
)

KINDS = ("/genai-help", "/genai-stats", "reaction", "/genai-ask")
Request = Callable[[int], tuple[str, str]]  # request number -> (body, content type)


def cpu_ms_per_ack(env: dict[str, str], response_url: str, repeats: int, each: int) -> list[float]:
    """The median CPU ms per ack in each of ``repeats`` runs of ``each`` requests (the four
    kinds in turn), after start-up warming as ``serve`` does it."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env | {"SLACK_SIGNING_SECRET": SIGNING_SECRET})
    try:
        settings = load_settings()
        services = bootstrap.services(settings)
        application = wsgi_app(build_app(settings, services), services.gate)
        warm_up(services)
        request = requests(response_url)
        medians = []
        for repeat in range(repeats):
            spent = [_ack_cpu(application, *request(repeat * each + i)) for i in range(each)]
            services.workers.drain(time.monotonic() + 60)  # the work after the acks
            medians.append(statistics.median(spent) * 1000)
        return medians
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def requests(response_url: str) -> Request:
    def request(index: int) -> tuple[str, str]:
        kind, user = KINDS[index % len(KINDS)], f"U{index}"
        if kind == "reaction":
            event = reaction_event("+1", user=user)
            return event_body(event, event_id=f"EvCpu{index}"), JSON
        text = {"/genai-stats": "1h", "/genai-ask": f"question {index}?"}.get(kind, "")
        body = command_body(kind, text, user_id=user, response_url=response_url)
        return body, FORM

    return request


def _ack_cpu(application: Any, body: str, content_type: str) -> float:
    raw = body.encode()
    headers = signed_headers(body, content_type)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(raw)),
        "wsgi.input": io.BytesIO(raw),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": headers["X-Slack-Request-Timestamp"],
        "HTTP_X_SLACK_SIGNATURE": headers["X-Slack-Signature"],
    }
    status: list[str] = []
    started = time.thread_time()
    b"".join(application(environ, lambda code, _headers, _exc=None: status.append(code)))
    spent = time.thread_time() - started
    if not status or not status[0].startswith("200"):
        raise RuntimeError(f"ack refused: {status}")
    return spent
