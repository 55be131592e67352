"""/genai-ask and feedback: rendering long answers, ack latency with slow asks in flight, and
the cost of counting one vote.

Ack latency is measured through the real ``genai-ops serve`` (waitress) with a fake Bedrock
that takes 2 s per answer: Slack needs every ack within 3 s whatever is in flight.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import boto3

from benchmarks.figures import Figure, measured
from bot.adapters.aws.bedrock_runtime import Answer, AskOutcome
from bot.adapters.aws.feedback_metrics import CloudWatchFeedback
from bot.adapters.clock import SystemClock
from bot.adapters.slack.ask_render import answer_messages
from bot.adapters.store.ask_ledger import AskLedger, AskRecord
from bot.adapters.store.sqlite import SqliteStore
from bot.app.feedback.service import FeedbackService
from bot.config.sections import DEFAULT_FEEDBACK_EMOJI
from bot.entrypoints.demo.embedded_aws import embedded_aws
from tests.support.bot_server import eventually, running_bot
from tests.support.fake_bedrock import Reply, serve_fake_bedrock
from tests.support.fake_slack import FakeSlack, serve_fake_slack

CONCURRENT_ASKS = 30
MODEL_SECONDS = 2.0
VOTES = 300


def long_answer(chars: int) -> str:
    block = "## Step\nSome **bold** text and a [link](https://example.com).\n```\ncode = 1\n```\n"
    return (block * (chars // len(block) + 1))[:chars]


def render_ms(chars: int, repeats: int = 5) -> list[float]:
    """Milliseconds per render, one value per repeat of 20 renders."""
    answer = Answer("m", long_answer(chars), "end_turn", 10, 2000, 0, 0, 900, "r")
    outcome = AskOutcome("m", answer)
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(20):
            answer_messages("question?", "U1", outcome)
        samples.append((time.perf_counter() - started) / 20 * 1000)
    return samples


def vote_ms(endpoint: str, workdir: Path) -> list[float]:
    os.environ |= {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}
    store = SqliteStore(str(workdir / "votes.db"), SystemClock())
    cloudwatch = boto3.client("cloudwatch", endpoint_url=endpoint, region_name="us-east-1")
    feedback = FeedbackService(
        AskLedger(store), CloudWatchFeedback(cloudwatch), DEFAULT_FEEDBACK_EMOJI
    )
    now = datetime.now(UTC)
    feedback.ledger.save(AskRecord("C1", "1.1", "m", "r", "U0", 1, 1, None, "x"), now)
    samples = []
    for index in range(VOTES):
        event = {
            "user": f"U{index}",
            "reaction": "+1",
            "item": {"type": "message", "channel": "C1", "ts": "1.1"},
        }
        started = time.perf_counter()
        feedback.on_reaction(event, True, "UBOT", now)
        samples.append((time.perf_counter() - started) * 1000)
    store.close()
    return samples


def all_posted(slack: FakeSlack) -> Callable[[], bool]:
    return lambda: len(slack.of("chat.postMessage")) >= CONCURRENT_ASKS


def ack_latencies(endpoint: str, workdir: Path) -> tuple[list[float], float]:
    env = {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "GENAI_OPS_STATE_URL": f"sqlite:///{workdir / 'serve.db'}",
        "GENAI_OPS_ASK_DEFAULT_MODEL": "amazon.nova-lite-v1:0",
        "GENAI_OPS_ASK_RATE_LIMIT_PER_HOUR": "1000",
    }
    for slack in serve_fake_slack():
        for bedrock in serve_fake_bedrock():
            bedrock.default = Reply(delay_seconds=MODEL_SECONDS)
            env |= {
                "GENAI_OPS_SLACK_API_URL": slack.url,
                "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": bedrock.url,
            }
            with running_bot(workdir, slack, "--no-poll", env=env) as bot:

                def one(index: int) -> float:
                    started = time.perf_counter()
                    reply = bot.command("/genai-ask", f"question {index}", user_id=f"U{index}")
                    assert reply.status == 200, reply.body
                    return (time.perf_counter() - started) * 1000

                started = time.perf_counter()
                with ThreadPoolExecutor(CONCURRENT_ASKS) as pool:
                    acks = list(pool.map(one, range(CONCURRENT_ASKS)))
                eventually(all_posted(slack), timeout=120)
                return acks, time.perf_counter() - started
    raise RuntimeError("fakes did not start")


def run() -> list[Figure]:
    saved = dict(os.environ)
    try:
        with tempfile.TemporaryDirectory() as tmp, embedded_aws(set_environment=False) as aws:
            workdir = Path(tmp)
            acks, all_answered = ack_latencies(aws, workdir)
            votes = vote_ms(aws, workdir)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    at_once = f"{CONCURRENT_ASKS} asks"
    return [
        measured("ask: render a 10,000-char answer", render_ms(10_000), "ms", 2, "5 runs of 20"),
        measured("ask: render a 100,000-char answer", render_ms(100_000), "ms", 2, "5 runs of 20"),
        measured(f"ask: ack, {CONCURRENT_ASKS} asks sent at once", acks, "ms", 0, at_once),
        measured(
            f"ask: all {CONCURRENT_ASKS} answered ({MODEL_SECONDS:.0f} s model)",
            [all_answered],
            "s",
            1,
            "1 run",
        ),
        measured(
            "feedback: one vote (SQLite + PutMetricData on moto)", votes, "ms", 1, "300 votes"
        ),
    ]
