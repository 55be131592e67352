"""Usage ingest: invocation-log records parsed, priced and rolled up per second, and memory.

Records are realistic: Bedrock logs whole prompts and answers, so each carries a system
prompt, a conversation and an answer, several KB of text. 1,000,000 records are generated one
page (10,000 events, FilterLogEvents' page size) at a time, so nothing holds the whole
window, exactly as the reader streams a log group. Each page
goes through the production path: read the counts (bodies cut out, not decoded), price (Decimal,
cache tokens at their own rates), add to hourly deltas, apply the deltas to the SQLite state
store. Peak memory is the process's peak RSS, interpreter and libraries included (one core: the
loop is single-threaded).
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from bot.adapters.aws.invocation_logs import LogEvent
from bot.adapters.clock import SystemClock
from bot.adapters.prices import Pricer
from bot.adapters.store.rollups import RollupStore
from bot.adapters.store.sqlite import SqliteStore
from bot.app.spend.ingest import Aggregator, IngestReport
from bot.entrypoints.demo.invocations import invocation

RECORDS = 1_000_000
WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "with",
    "was",
    "on",
    "be",
    "by",
    "this",
    "are",
    "from",
    "at",
    "or",
    "an",
]
PAGE = 10_000
START = datetime(2026, 11, 1, tzinfo=UTC)
MODELS = (
    ("anthropic.claude-3-haiku-20240307-v1:0", 0, 0),
    ("us.anthropic.claude-3-5-sonnet-20241022-v2:0", 40_000, 2_000),
    ("amazon.nova-lite-v1:0", 0, 0),
    ("mistral.mistral-large-2407-v1:0", 0, 0),  # unpriced
)


def pages(total: int = RECORDS, size: int = PAGE) -> Iterator[list[LogEvent]]:
    """``total`` records over a month (about 23 a minute), ``size`` per page."""
    step = timedelta(days=30) / total
    for first in range(0, total, size):
        page = []
        for n in range(first, min(first + size, total)):
            model, cache_read, cache_write = MODELS[n % len(MODELS)]
            at = START + step * n
            record = invocation(
                at,
                f"req-{n}",
                model,
                f"role-{n % 37}",
                {"team": f"t{n % 5}", "app": "a"},
                input_tokens=500 + n % 700,
                output_tokens=100 + n % 300,
                cache_read=cache_read,
                cache_write=cache_write,
            )
            record["input"]["inputBodyJson"] = _prompt(n)
            record["output"]["outputBodyJson"] = _answer(n)
            text = json.dumps(record, separators=(",", ":"))
            page.append(LogEvent(f"e{n}", int(at.timestamp() * 1000), text))
        yield page


def _text(n: int, words: int) -> str:
    return " ".join(WORDS[(n * 7 + i * 13) % len(WORDS)] for i in range(words))


def _prompt(n: int) -> dict:
    """A Converse request: system prompt, a few turns (about 3 KB)."""
    turns = [
        {"role": role, "content": [{"text": _text(n + t, 120)}]}
        for t, role in enumerate(("user", "assistant", "user"))
    ]
    return {
        "system": [{"text": _text(n, 150)}],
        "messages": turns,
        "inferenceConfig": {"maxTokens": 1024},
    }


def _answer(n: int) -> dict:
    """A Converse response (about 1.5 KB)."""
    message = {"role": "assistant", "content": [{"text": _text(n, 250)}]}
    return {
        "output": {"message": message},
        "stopReason": "end_turn",
        "metrics": {"latencyMs": 900 + n % 500},
        "usage": {"inputTokens": 500, "outputTokens": 200},
    }


def bare_json_seconds(sample: int = 20_000) -> tuple[float, int]:
    """CPU seconds per record of a bare json.loads of the same bytes, and their mean size."""
    messages = [event.message for page in pages(sample) for event in page]
    started = time.process_time()
    for message in messages:
        json.loads(message)
    return (time.process_time() - started) / len(messages), sum(map(len, messages)) // len(messages)


def run(records: int = RECORDS) -> list[tuple[str, str, str]]:
    bare, size = bare_json_seconds()
    generate = time.perf_counter()
    generated = sum(len(page) for page in pages(100_000))
    generate = (time.perf_counter() - generate) / generated  # seconds per record to generate
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(f"{tmp}/bench.db", SystemClock())
        rollups = RollupStore(store)
        report = IngestReport()
        aggregator = Aggregator(Pricer(), frozenset({"team", "app"}), report)
        started = time.process_time()
        for number, page in enumerate(pages(records)):
            deltas: dict = {}
            aggregator.add_events(page, deltas)
            rollups.apply(f"bench:{number}", deltas)
        cpu = time.process_time() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        hours = len(store.scan("usage_hour"))
        store.close()
    ingest_cpu = cpu - generate * records
    per_record = ingest_cpu / report.records
    return [
        ("usage: record size (mean)", f"{size:,}", "bytes of JSON"),
        ("usage: records ingested", f"{report.records:,}", f"({report.malformed} malformed)"),
        ("usage: hourly roll-ups written", f"{hours:,}", "documents"),
        ("usage: parse+price+roll up", f"{report.records / ingest_cpu:,.0f}", "records/s, 1 core"),
        ("usage: bare json.loads, same bytes", f"{1 / bare:,.0f}", "records/s, 1 core"),
        ("usage: ingest vs bare json.loads", f"{bare / per_record:.2f}", "x (above 1: faster)"),
        ("usage: incl. generating JSON", f"{report.records / cpu:,.0f}", "records/s, 1 core"),
        ("usage: peak RSS of the process", f"{peak_mb:,.0f}", "MB (interpreter included)"),
    ]
