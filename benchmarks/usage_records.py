"""Invocation-log records as Bedrock writes them for Converse calls, for the ingest benchmark.

Each record carries what a real one does: a system prompt, a multi-turn conversation, in
some tool definitions and a tool call with its result, and the answer (prompts 0.5-5 KB,
answers 0.2-2 KB of text with quotes, newlines and, in one record in five, non-ASCII
characters), written compact in Bedrock's key order. Callers are services: each role has
its own team and app tags and mostly one model; its session name changes with every call.

Writing the bodies is the slow part, so ``POOL`` request/answer pairs are written once and
each record takes one of them at random; every record is still its own new string (its own
time, ids, caller and counts), so no reader can profit from having seen it before.
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.adapters.aws.invocation_logs import LogEvent

START = datetime(2026, 11, 1, tzinfo=UTC)
PER_MONTH = 1_000_000  # about 23 calls a minute
POOL = 2_000  # distinct request/answer pairs
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


@functools.cache
def body_pool(size: int = POOL) -> list[tuple[str, str]]:
    """``size`` request/answer pairs, each written compact as Bedrock logs it."""
    rng = random.Random(11)
    return [
        (compact(request), compact(answer))
        for request, answer in (converse_bodies(rng) for _ in range(size))
    ]


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def record(
    n: int, at: datetime, rng: random.Random, callers: int, bodies: list[tuple[str, str]]
) -> str:
    """One record's JSON line, compact and in Bedrock's key order."""
    caller = n % callers if callers else n
    model, cache_read, cache_write = MODELS[caller % 4 if rng.random() < 0.7 else n % 4]
    request, answer = bodies[rng.randrange(len(bodies))]
    return ENVELOPE.format(
        stamp=at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        arn=f"arn:aws:sts::111122223333:assumed-role/svc-{caller}/session-{n}",
        request_id=f"0b7c6a52-3f0e-4c1d-9d52-{n:012d}",
        model=model,
        request=request,
        input=500 + n % 700,
        cache_read=cache_read,
        cache_write=cache_write,
        answer=answer,
        output=100 + n % 300,
        team=f"t{caller % 5}",
        app=f"app-{caller}",
    )


# A compact record in Bedrock's key order, with a slot for each value that varies.
ENVELOPE = (
    '{{"schemaType":"ModelInvocationLog","schemaVersion":"1.0","timestamp":"{stamp}",'
    '"accountId":"111122223333","identity":{{"arn":"{arn}"}},"region":"us-east-1",'
    '"requestId":"{request_id}","operation":"Converse","modelId":"{model}",'
    '"input":{{"inputContentType":"application/json","inputBodyJson":{request},'
    '"inputTokenCount":{input},"cacheReadInputTokenCount":{cache_read},'
    '"cacheWriteInputTokenCount":{cache_write}}},'
    '"output":{{"outputContentType":"application/json","outputBodyJson":{answer},'
    '"outputTokenCount":{output}}},"requestMetadata":{{"team":"{team}","app":"{app}"}}}}'
)


def pages(total: int, size: int = 10_000, callers: int = 40) -> Iterator[list[LogEvent]]:
    """``total`` records at 1,000,000 a month, ``size`` a page; ``callers=0``: all distinct."""
    rng = random.Random(7)
    bodies = body_pool()
    step = timedelta(days=30) / PER_MONTH
    for first in range(0, total, size):
        page = []
        for n in range(first, min(first + size, total)):
            at = START + step * n
            message = record(n, at, rng, callers, bodies)
            page.append(LogEvent(f"e{n}", int(at.timestamp() * 1000), message))
        yield page
