"""Usage ingest: invocation-log records parsed, priced and rolled up per second, and memory.

1,000,000 records are generated one page (10,000 events, FilterLogEvents' page size) at a
time, so nothing holds the whole window, exactly as the reader streams a log group. Each page
goes through the production path: parse (JSON, fields checked, bodies dropped), price (Decimal,
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
            page.append(LogEvent(f"e{n}", int(at.timestamp() * 1000), json.dumps(record)))
        yield page


def run() -> list[tuple[str, str, str]]:
    generate = time.perf_counter()
    generated = sum(len(page) for page in pages(100_000))
    generate = (time.perf_counter() - generate) / generated  # seconds per record to generate
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(f"{tmp}/bench.db", SystemClock())
        rollups = RollupStore(store)
        report = IngestReport()
        aggregator = Aggregator(Pricer(), frozenset({"team", "app"}), report)
        started = time.process_time()
        for number, page in enumerate(pages()):
            deltas: dict = {}
            aggregator.add_events(page, deltas)
            rollups.apply(f"bench:{number}", deltas)
        cpu = time.process_time() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        hours = len(store.scan("usage_hour"))
        store.close()
    ingest_cpu = cpu - generate * RECORDS
    return [
        ("usage: records ingested", f"{report.records:,}", f"({report.malformed} malformed)"),
        ("usage: hourly roll-ups written", f"{hours:,}", "documents"),
        ("usage: parse+price+roll up", f"{report.records / ingest_cpu:,.0f}", "records/s, 1 core"),
        ("usage: incl. generating JSON", f"{report.records / cpu:,.0f}", "records/s, 1 core"),
        ("usage: peak RSS of the process", f"{peak_mb:,.0f}", "MB (interpreter included)"),
    ]
