"""Usage ingest: invocation-log records parsed, priced and rolled up per second, and memory.

Records are realistic (``usage_records``): Converse calls as Bedrock logs them, with system
prompt, turns, tools and answer, 1.8-9 KB each. They are generated one page (10,000 events,
FilterLogEvents' page size) at a time, so nothing holds the whole window, exactly as the
reader streams a log group. Each page goes through the path the poller uses: read the counts
(bodies cut out, not decoded), sum per hour, model, caller and tags, price (Decimal, cache
tokens at their own rates), add to hourly deltas, apply the deltas to the SQLite state store.
Only that path is timed (CPU time of this process, one core), not the generating.

A bare ``json.loads`` of the same bytes is timed in the same run, so the ratio holds on any
machine. Peak memory is the process's peak RSS, interpreter and libraries included.
"""

from __future__ import annotations

import json
import resource
import tempfile
import time

from benchmarks.usage_records import pages
from bot.adapters.clock import SystemClock
from bot.adapters.prices import Pricer
from bot.adapters.store.rollups import RollupStore
from bot.adapters.store.sqlite import SqliteStore
from bot.app.spend.ingest import Aggregator, IngestReport

RECORDS = 200_000
DISTINCT = 20_000  # records in the run where every caller is new (no two records summed)


def bare_json_seconds(sample: int = 10_000) -> tuple[float, int]:
    """CPU seconds per record of a bare json.loads of the same bytes, and their mean size."""
    messages = [event.message for page in pages(sample) for event in page]
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for message in messages:
            json.loads(message)
        best = min(best, time.process_time() - started)
    return best / len(messages), sum(map(len, messages)) // len(messages)


def ingest(records: int, callers: int) -> tuple[IngestReport, float, float, int, int]:
    """The report, CPU seconds ingesting, CPU seconds of a bare json.loads of every page
    (timed page by page, beside the ingest, so both see the same machine), total bytes
    and the hourly roll-ups written."""
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(f"{tmp}/bench.db", SystemClock())
        rollups = RollupStore(store)
        report = IngestReport()
        aggregator = Aggregator(Pricer(), frozenset({"team", "app"}), report)
        cpu = bare = 0.0
        size = 0
        for number, page in enumerate(pages(records, callers=callers)):
            started = time.process_time()
            for event in page:
                json.loads(event.message)
            middle = time.process_time()
            deltas: dict = {}
            aggregator.add_events(page, deltas)
            rollups.apply(f"bench:{number}", deltas)
            cpu += time.process_time() - middle
            bare += middle - started
            size += sum(len(event.message) for event in page)
        hours = len(store.scan("usage_hour"))
        store.close()
    return report, cpu, bare, size, hours


def run(records: int = RECORDS) -> list[tuple[str, str, str]]:
    report, cpu, bare, size, hours = ingest(records, callers=40)
    distinct, distinct_cpu, distinct_bare, _, _ = ingest(DISTINCT, callers=0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = report.records / cpu
    return [
        ("usage: record size (mean)", f"{size // records:,}", "characters of JSON"),
        ("usage: records ingested", f"{report.records:,}", f"({report.malformed} malformed)"),
        ("usage: hourly roll-ups written", f"{hours:,}", "documents"),
        ("usage: parse+price+roll up", f"{rate:,.0f}", "records/s, 1 core"),
        ("usage: bare json.loads, same bytes", f"{records / bare:,.0f}", "records/s, 1 core"),
        ("usage: ingest vs bare json.loads", f"{bare / cpu:.2f}", "x (above 1: faster)"),
        (
            "usage: ingest, every caller new",
            f"{distinct.records / distinct_cpu:,.0f}",
            f"records/s ({distinct_bare / distinct_cpu:.2f}x bare json.loads)",
        ),
        ("usage: peak RSS of the process", f"{peak_mb:,.0f}", "MB (interpreter included)"),
    ]
