"""Slack responsiveness: time to ack under 50 concurrent requests while asks are in flight.

Runs the real ``genai-ops serve`` (waitress) against the fake Slack Web API, moto and a fake
bedrock-runtime whose answers take 5 s. In each of three repeats twenty asks are started
first; then rounds of 50 concurrent requests (slash commands and reaction events) are timed
from send to HTTP answer, which is the ack Slack waits for (its limit is 3 s). The client
runs on the same machine, so its own time is included.
"""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.figures import Figure, measured, percentile
from bot.entrypoints.demo.embedded_aws import embedded_aws
from tests.support.bot_server import BotServer, running_bot
from tests.support.fake_bedrock import Reply, serve_fake_bedrock
from tests.support.fake_slack import serve_fake_slack
from tests.support.signing import reaction_event

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
ROUNDS = 4
CONCURRENCY = 50
ASKS_IN_FLIGHT = 20
REPEATS = 3  # each: 20 new asks, then ROUNDS rounds; the figures' noise is over these
MODEL_SECONDS = 5.0  # longer than a repeat: the asks stay in flight while acks are timed


def _one(server: BotServer, index: int) -> float:
    started = time.perf_counter()
    kind = index % 3
    if kind == 0:
        reply = server.command("/genai-help", user_id=f"U{index}")
    elif kind == 1:
        reply = server.command("/genai-stats", "1h", user_id=f"U{index}")
    else:
        reply = server.event(reaction_event("+1", user=f"U{index}"), event_id=f"Ev{index}")
    elapsed = time.perf_counter() - started
    if reply.status >= 500:
        raise RuntimeError(f"request {index} failed with HTTP {reply.status}")
    return elapsed


def measure() -> list[list[float]]:
    with tempfile.TemporaryDirectory() as tmp, embedded_aws():
        for slack in serve_fake_slack():
            for bedrock in serve_fake_bedrock():
                bedrock.default = Reply(delay_seconds=MODEL_SECONDS, text="A slow answer.")
                env = {
                    "SLACK_BOT_TOKEN": "xoxb-bench",
                    "GENAI_OPS_SLACK_API_URL": slack.url,
                    "GENAI_OPS_ALERT_CHANNEL": "C0ALERTS",
                    "GENAI_OPS_STATE_URL": f"sqlite:///{tmp}/state.db",
                    "GENAI_OPS_ASK_DEFAULT_MODEL": MODEL,
                    "GENAI_OPS_ASK_RATE_LIMIT_PER_HOUR": "1000",
                    "GENAI_OPS_LATENCY_STATISTIC": "Average",
                    "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": bedrock.url,
                    "GENAI_OPS_LOG_LEVEL": "WARNING",
                }
                with running_bot(Path(tmp), slack, "--no-poll", env=env) as server:
                    return _rounds(server)
    raise RuntimeError("fakes did not start")


def _rounds(server: BotServer) -> list[list[float]]:
    repeats: list[list[float]] = []
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        list(pool.map(lambda i: server.command("/genai-help", user_id=f"W{i}"), range(5)))
        for repeat in range(REPEATS):
            for i in range(ASKS_IN_FLIGHT):
                server.command("/genai-ask", f"question {repeat}.{i}?", user_id=f"A{i}")
            samples: list[float] = []
            for round_no in range(ROUNDS):
                first = (repeat * ROUNDS + round_no) * CONCURRENCY
                indexes = range(first, first + CONCURRENCY)
                samples += pool.map(_one, [server] * CONCURRENCY, indexes)
            repeats.append(samples)
    return repeats


def run() -> list[Figure]:
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    repeats = measure()
    each = f"{REPEATS} runs of {ROUNDS * CONCURRENCY} requests"
    load = f"{CONCURRENCY} concurrent, {ASKS_IN_FLIGHT} asks in flight"

    def ms(share: float) -> list[float]:
        return [percentile(samples, share) * 1000 for samples in repeats]

    return [
        measured(f"slack ack p50 ({load})", ms(0.5), "ms", 0, each),
        measured(f"slack ack p99 ({load})", ms(0.99), "ms", 0, each),
        measured("slack ack max", ms(1.0), "ms (Slack's limit: 3,000)", 0, each),
    ]
