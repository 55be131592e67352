"""Invocation-log records as Bedrock writes them for Converse calls, for the ingest benchmark.

Each record carries what a real one does: a system prompt, a multi-turn conversation, in
some tool definitions and a tool call with its result, and the answer (prompts 0.5-5 KB,
answers 0.2-2 KB of text with quotes, newlines and, in one record in five, non-ASCII
characters), written compact in Bedrock's key order. Callers are services: each role has
its own team and app tags and mostly one model; its session name changes with every call.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.adapters.aws.invocation_logs import LogEvent

START = datetime(2026, 11, 1, tzinfo=UTC)
PER_MONTH = 1_000_000  # about 23 calls a minute
MODELS = (
    ("anthropic.claude-3-haiku-20240307-v1:0", 0, 0),
    ("us.anthropic.claude-3-5-sonnet-20241022-v2:0", 40_000, 2_000),
    ("amazon.nova-lite-v1:0", 0, 0),
    ("mistral.mistral-large-2407-v1:0", 0, 0),  # unpriced
)
WORDS = [
    "the",
    "order",
    "ships",
    "when",
    "the",
    '"priority"',
    "flag",
    "is",
    "set;",
    "otherwise",
    "it",
    "waits",
    "for",
    "the",
    "next",
    "batch",
    "run.\nCheck",
    "{config}",
    "and",
    "[limits]",
    "first:",
    "refunds",
    "above",
    "$500",
    "need",
    "a",
    "manager's",
    "approval,",
    "café",
    "opening",
    "hours",
    "—",
    "see",
    "the",
    "FAQ",
    "🙂",
    "and",
    "the",
    "escalation",
    "matrix",
    "for",
    "regional",
    "teams",
]
TOOLS = [
    {
        "toolSpec": {
            "name": name,
            "description": f"Look up {name.replace('_', ' ')} for a customer account.",
            "inputSchema": {
                "json": {
                    "type": "object",
                    "properties": {
                        "account_id": {"type": "string", "description": "The account"},
                        "since": {"type": "string", "format": "date"},
                    },
                    "required": ["account_id"],
                }
            },
        }
    }
    for name in ("order_status", "refund_policy", "shipping_eta")
]


def text(rng: random.Random, size: int, ascii_only: bool) -> str:
    words: list[str] = []
    total = 0
    while total < size:
        word = rng.choice(WORDS)
        if ascii_only and not word.isascii():
            word = "cafe"
        words.append(word)
        total += len(word) + 1
    return " ".join(words)


def converse_bodies(rng: random.Random) -> tuple[dict[str, Any], dict[str, Any]]:
    """A Converse request (system, turns, tools, a tool round trip) and its answer."""
    ascii_only = rng.random() < 0.8
    prompt_size, answer_size = rng.randint(500, 5000), rng.randint(200, 2000)
    turns = rng.randint(1, 4)
    share = prompt_size // (turns * 2 + 1)
    messages: list[dict[str, Any]] = []
    for _ in range(turns):
        messages.append({"role": "user", "content": [{"text": text(rng, share, ascii_only)}]})
        messages.append({"role": "assistant", "content": [{"text": text(rng, share, ascii_only)}]})
    if rng.random() < 0.5:  # a tool round trip
        _tool_round_trip(messages, rng)
    request: dict[str, Any] = {
        "system": [{"text": text(rng, share, ascii_only)}],
        "messages": messages,
        "inferenceConfig": {"maxTokens": 2048, "temperature": 0.2},
    }
    if rng.random() < 0.3:
        request["toolConfig"] = {"tools": TOOLS}
    answer = {
        "output": {
            "message": {
                "role": "assistant",
                "content": [{"text": text(rng, answer_size, ascii_only)}],
            }
        },
        "stopReason": "end_turn",
        "metrics": {"latencyMs": rng.randint(400, 9000)},
        "usage": {"inputTokens": prompt_size // 4, "outputTokens": answer_size // 4},
    }
    return request, answer


def _tool_round_trip(messages: list[dict[str, Any]], rng: random.Random) -> None:
    call = {"toolUseId": f"tooluse_{rng.getrandbits(48):x}", "name": "order_status"}
    messages[-1]["content"].append({"toolUse": {**call, "input": {"account_id": "A-1029"}}})
    result = {"toolUseId": call["toolUseId"], "content": [{"json": {"status": "shipped"}}]}
    messages.append({"role": "user", "content": [{"toolResult": result}]})


def record(n: int, at: datetime, rng: random.Random, callers: int) -> str:
    """One record's JSON line, compact and in Bedrock's key order."""
    caller = n % callers if callers else n
    model, cache_read, cache_write = MODELS[caller % 4 if rng.random() < 0.7 else n % 4]
    request, answer = converse_bodies(rng)
    line = {
        "schemaType": "ModelInvocationLog",
        "schemaVersion": "1.0",
        "timestamp": at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "accountId": "111122223333",
        "identity": {"arn": f"arn:aws:sts::111122223333:assumed-role/svc-{caller}/session-{n}"},
        "region": "us-east-1",
        "requestId": f"0b7c6a52-3f0e-4c1d-9d52-{n:012d}",
        "operation": "Converse",
        "modelId": model,
        "input": {
            "inputContentType": "application/json",
            "inputBodyJson": request,
            "inputTokenCount": 500 + n % 700,
            "cacheReadInputTokenCount": cache_read,
            "cacheWriteInputTokenCount": cache_write,
        },
        "output": {
            "outputContentType": "application/json",
            "outputBodyJson": answer,
            "outputTokenCount": 100 + n % 300,
        },
        "requestMetadata": {"team": f"t{caller % 5}", "app": f"app-{caller}"},
    }
    return json.dumps(line, separators=(",", ":"), ensure_ascii=False)


def pages(total: int, size: int = 10_000, callers: int = 40) -> Iterator[list[LogEvent]]:
    """``total`` records at 1,000,000 a month, ``size`` a page; ``callers=0``: all distinct."""
    rng = random.Random(7)
    step = timedelta(days=30) / PER_MONTH
    for first in range(0, total, size):
        page = []
        for n in range(first, min(first + size, total)):
            at = START + step * n
            page.append(LogEvent(f"e{n}", int(at.timestamp() * 1000), record(n, at, rng, callers)))
        yield page
