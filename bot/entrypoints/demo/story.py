"""The rest of the demo's story: the throttling clears, `/genai-stats`, an answer and a vote.

Bedrock's Converse API is not in the embedded AWS, so a small loopback server answers it the
way Bedrock does (same JSON, same path); everything else is the bot's real code against moto.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO

from bot import bootstrap
from bot.adapters.aws.bedrock_runtime import Caller
from bot.adapters.clock import Clock
from bot.adapters.slack.stats_view import table
from bot.adapters.store import StateStore
from bot.app.poll.poller import Poller
from bot.app.stats.collect import collect
from bot.app.stats.request import StatsRequest
from bot.config.settings import Settings
from bot.entrypoints.demo.seed import DEMO_FLEET, seed_fleet

ASK_MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
QUESTION = "what does a Bedrock guardrail do?"
ANSWER = (
    "A guardrail screens prompts and answers against your policies (denied topics, harmful "
    "content, personal data, contextual grounding) and blocks or masks what breaks them."
)
NEXT_STEPS = """Next steps:
  1. Check your own account and workspace: export AWS_PROFILE=... AWS_REGION=..., then
     .venv/bin/genai-ops check-config   (every [off] line says what to do)
  2. Create the Slack app: .venv/bin/genai-ops manifest > manifest.json, paste it at
     https://api.slack.com/apps, then .venv/bin/genai-ops run   (docs/slack-app.md)
  3. Deploy to AWS Lambda when nothing should run on your machine: make deploy  (docs/aws.md)
"""


def resolution(
    cloudwatch: Any, poller: Poller, model: str, end: datetime, now: datetime, period: int
) -> int:
    """Twenty calm minutes for ``model`` after the incident, then a poll: its alert resolves."""
    (profile,) = [p for p in DEMO_FLEET if p.model_id == model]
    later = end + timedelta(minutes=20)
    seed_fleet(cloudwatch, later, [profile], (), hours=20 / 60, period_seconds=period)
    report = poller.run_once(now + timedelta(minutes=20))
    return len(report.notices)


def stats_table(settings: Settings, store: StateStore, now: datetime) -> str:
    """What `/genai-stats 24h` shows in Slack, as text."""
    sources = bootstrap.stats_sources(settings, store, "us-east-1")
    report = collect(sources, StatsRequest(window="24h"), now)
    return "\n".join(table(report, settings.model_aliases)).replace("*", "")  # no mrkdwn here


def ask_and_vote(
    settings: Settings, store: StateStore, clock: Clock, cloudwatch: Any, out: TextIO
) -> None:
    """`/genai-ask` through the real ask service, then a teammate's :+1: on the answer."""
    say = out.write
    now = clock.now()
    with converse_server() as url:
        saved = os.environ.get("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")
        os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = url
        try:
            asks = bootstrap.ask_service(settings, store, "us-east-1", clock)
            request = asks.parse(f"{ASK_MODEL} {QUESTION}")
            (outcome,) = asks.answer(request, Caller("U0DEMO", "C0DEMO"), now)
        finally:
            if saved is None:
                os.environ.pop("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", None)
            else:
                os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = saved
    if outcome.answer is None:
        say(f"/genai-ask failed: {outcome.error}\n")
        return
    answer = outcome.answer
    cost = "unpriced" if outcome.cost_usd is None else f"${outcome.cost_usd:.5f}"
    say(f"/genai-ask {QUESTION}\n  {answer.text}\n")
    say(
        f"  {ASK_MODEL} · {answer.latency_ms} ms · {answer.input_tokens} in / "
        f"{answer.output_tokens} out · {cost} · react :+1: or :-1: to rate\n"
    )
    asks.remember(outcome, "C0DEMO", "1700000000.000100", "U0DEMO", now)
    votes = bootstrap.feedback_service(settings, store, cloudwatch=cloudwatch)
    event = {
        "item": {"type": "message", "channel": "C0DEMO", "ts": "1700000000.000100"},
        "user": "U0TEAMMATE",
        "reaction": "+1",
    }
    change = votes.on_reaction(event, True, "U0BOT", now)
    counted = change is not None
    say(
        "  a teammate reacts :+1:: "
        + (
            f"1 positive vote for {ASK_MODEL}, published as PositiveFeedback in "
            f"{settings.feedback.namespace} (the feedback_drop rule watches it)\n"
            if counted
            else "not counted\n"
        )
    )


@contextmanager
def converse_server() -> Iterator[str]:
    """A loopback stand-in for bedrock-runtime's Converse (POST /model/{id}/converse)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.dumps(
                {
                    "output": {"message": {"role": "assistant", "content": [{"text": ANSWER}]}},
                    "stopReason": "end_turn",
                    "usage": {"inputTokens": 18, "outputTokens": 41, "totalTokens": 59},
                    "metrics": {"latencyMs": 612},
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
