"""Slack responsiveness: time to ack under 50 concurrent requests while asks are in flight.

Runs the real ``genai-ops serve`` (waitress, signed HTTP requests) and the real
``genai-ops run`` (Socket Mode, against a local fake of Slack's WebSocket), each with the fake
Slack Web API, moto and a fake bedrock-runtime whose answers take 5 s. In each of three
repeats twenty asks are started first; then rounds of 50 concurrent requests (slash commands
and reaction events) are timed from send to ack, which is what Slack waits for (its limit is
3 s). The client runs on the same machine, so its own time is included; it is kept light
(over HTTP, one thread sends a burst of requests signed beforehand: ``ack_client``), and moto
runs in a process of its own, so its work is not.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.ack_client import burst, prepared
from benchmarks.ack_cpu import cpu_ms_per_ack
from benchmarks.aws_process import aws_process
from benchmarks.figures import Figure, measured, percentile
from tests.support.bot_server import BotServer, running_bot
from tests.support.fake_bedrock import Reply, serve_fake_bedrock
from tests.support.fake_slack import FakeSlack, serve_fake_slack
from tests.support.fake_socket_mode import FakeSocketMode, serve_fake_socket_mode
from tests.support.signing import FORM, JSON, command_body, event_body, reaction_event
from tests.support.socket_mode_bot import command_payload, event_payload, running_socket_mode_bot

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
ROUNDS = 4
CONCURRENCY = 50
ASKS_IN_FLIGHT = 20
REPEATS = 3  # each: 20 new asks, then ROUNDS rounds; the figures' noise is over these
MODEL_SECONDS = 5.0  # longer than a repeat: the asks stay in flight while acks are timed
CPU_REPEATS, CPU_EACH = 5, 100  # in-process CPU time per ack (see ack_cpu)
Burst = Callable[[range], list[float]]  # request numbers, sent at once -> seconds to each ack
Ask = Callable[[int], None]


@contextmanager
def fakes(model_seconds: float = MODEL_SECONDS) -> Iterator[tuple[FakeSlack, dict[str, str], Path]]:
    with tempfile.TemporaryDirectory() as tmp, aws_process():
        for slack in serve_fake_slack():
            for bedrock in serve_fake_bedrock():
                bedrock.default = Reply(delay_seconds=model_seconds, text="A slow answer.")
                yield slack, environment(slack, bedrock.url, tmp), Path(tmp)


def environment(slack: FakeSlack, bedrock_url: str, tmp: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "GENAI_OPS_SLACK_API_URL": slack.url,
        "GENAI_OPS_ALERT_CHANNEL": "C0ALERTS",
        "GENAI_OPS_STATE_URL": f"sqlite:///{tmp}/state.db",
        "GENAI_OPS_ASK_DEFAULT_MODEL": MODEL,
        "GENAI_OPS_ASK_RATE_LIMIT_PER_HOUR": "1000",
        "GENAI_OPS_LATENCY_STATISTIC": "Average",
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": bedrock_url,
        "GENAI_OPS_LOG_LEVEL": "WARNING",
    }


def over_http(server: BotServer) -> tuple[Burst, Ask]:
    def request(index: int) -> bytes:
        kind = index % 3
        if kind == 2:
            event = event_body(reaction_event("+1", user=f"U{index}"), event_id=f"Ev{index}")
            return prepared(server.url, event, JSON)
        command, text = ("/genai-help", "") if kind == 0 else ("/genai-stats", "1h")
        body = command_body(
            command,
            text,
            user_id=f"U{index}",
            response_url=server.response_url,
            trigger_id=f"{index}.{os.getpid()}.bench",
        )
        return prepared(server.url, body, FORM)

    def send(indexes: range) -> list[float]:
        return burst(server.url, [request(index) for index in indexes])

    def ask(index: int) -> None:
        server.command("/genai-ask", f"question {index}?", user_id=f"A{index}")

    return send, ask


def over_socket(socket: FakeSocketMode) -> tuple[Burst, Ask]:
    def envelope(index: int) -> tuple[str, dict[str, Any]]:
        kind = index % 3
        if kind == 0:
            return "slash_commands", command_payload("/genai-help", user_id=f"U{index}")
        if kind == 1:
            return "slash_commands", command_payload("/genai-stats", "1h", user_id=f"U{index}")
        return "events_api", event_payload(reaction_event("+1", user=f"U{index}"), f"Ev{index}")

    def one(index: int) -> float:
        return socket.wait_ack(socket.send(*envelope(index))).seconds

    def ask(index: int) -> None:
        payload = command_payload("/genai-ask", f"question {index}?", user_id=f"A{index}")
        socket.wait_ack(socket.send("slash_commands", payload))

    pool = ThreadPoolExecutor(max_workers=CONCURRENCY)

    def send(indexes: range) -> list[float]:
        return list(pool.map(one, indexes))

    return send, ask


@dataclass
class Rounds:
    acks: list[list[float]]  # per repeat: seconds to each ack
    cpu_ms: list[float]  # per repeat: the bot process's CPU per request (all its threads)


def rounds(send: Burst, ask: Ask, bot_pid: int) -> Rounds:
    """REPEATS lists of ROUNDS x CONCURRENCY ack times, with ASKS_IN_FLIGHT asks each."""
    done = Rounds([], [])
    send(range(-6, 0))  # warm up: imports, connections, caches
    for repeat in range(REPEATS):
        for i in range(ASKS_IN_FLIGHT):
            ask(repeat * ASKS_IN_FLIGHT + i)
        samples: list[float] = []
        cpu = process_cpu_seconds(bot_pid)
        for round_no in range(ROUNDS):
            first = (repeat * ROUNDS + round_no) * CONCURRENCY
            samples += send(range(first, first + CONCURRENCY))
        done.cpu_ms.append((process_cpu_seconds(bot_pid) - cpu) / len(samples) * 1000)
        done.acks.append(samples)
    return done


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system, every thread) a process has used: /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_http() -> Rounds:
    with fakes() as (slack, env, tmp), running_bot(tmp, slack, "--no-poll", env=env) as server:
        return rounds(*over_http(server), server.process.pid)


def measure_socket_mode() -> Rounds:
    with (
        fakes() as (slack, env, tmp),
        serve_fake_socket_mode() as socket,
        running_socket_mode_bot(tmp, slack, socket, env) as bot,
    ):
        return rounds(*over_socket(socket), bot.pid)


def figures(label: str, done: Rounds) -> list[Figure]:
    each = f"{REPEATS} runs of {ROUNDS * CONCURRENCY}"
    load = f"{CONCURRENCY} concurrent, {ASKS_IN_FLIGHT} asks in flight"

    def ms(share: float) -> list[float]:
        return [percentile(samples, share) * 1000 for samples in done.acks]

    return [
        measured(f"slack ack p50, {label} ({load})", ms(0.5), "ms", 0, each),
        measured(f"slack ack p99, {label} ({load})", ms(0.99), "ms", 0, each),
        measured(f"slack ack max, {label}", ms(1.0), "ms (Slack's limit: 3,000)", 0, each),
        measured(
            f"slack bot CPU per request, {label}, every thread",
            done.cpu_ms,
            f"ms (x {CONCURRENCY} at once: the floor under the last ack)",
            2,
            each,
        ),
    ]


def measure_cpu() -> list[float]:
    with fakes(model_seconds=0.0) as (slack, env, _tmp):
        return cpu_ms_per_ack(env, slack.url.replace("/api/", "/response/1"), CPU_REPEATS, CPU_EACH)


def run() -> list[Figure]:
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    return [
        measured(
            "slack ack CPU per request, receiving thread (help, stats, reaction, ask)",
            measure_cpu(),
            "ms (median of each run)",
            2,
            f"{CPU_REPEATS} runs of {CPU_EACH}",
        ),
        *figures("serve (HTTP)", measure_http()),
        *figures("Socket Mode", measure_socket_mode()),
    ]
