"""Usage ingest: invocation-log records parsed, priced and rolled up per second, and memory.

Records are realistic (``usage_records``): Converse calls as Bedrock logs them, with system
prompt, turns, tools and answer, 1.8-9 KB each. They are generated one page (10,000 events,
FilterLogEvents' page size) at a time, so nothing holds the whole window, exactly as the
reader streams a log group. Each page goes through the path the poller uses: read the counts
(msgspec, bodies skipped), group per hour, model, role and tags, sum and price each group
(Decimal, cache tokens at their own rates), add to hourly deltas, apply the deltas to the
SQLite state store. Only that path is timed (CPU time of this process, one core), not the
generating. The run is repeated ``RUNS`` times (fresh records, fresh store) for min / median
/ max.

A bare ``json.loads`` of the same bytes is timed page by page beside the ingest, so both see
the same machine and the ratio holds on any machine. So is the floor under any validating
reader: msgspec's scan of the same records into the same struct with nothing done after
(on copies of the strings, so neither run inherits the other's UTF-8 encoding of a
non-ASCII record); ingest can never beat it, and the gap between the two is the bot's own
work. Memory: the peak of Python allocations
(tracemalloc) while one page is ingested, per record, plus the process's peak RSS.
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass

from alarms.usage_fast import DECODER
from benchmarks.figures import Figure, fixed, measured
from benchmarks.usage_records import pages
from bot.adapters.aws.invocation_logs import LogEvent
from bot.adapters.clock import SystemClock
from bot.adapters.prices import Pricer
from bot.adapters.store.rollups import RollupStore
from bot.adapters.store.sqlite import SqliteStore
from bot.app.spend.ingest import Aggregator, IngestReport

RECORDS = 100_000  # per run
RUNS = 3
DISTINCT = 20_000  # records in the run where every caller is new (no two records summed)
PAGE = 10_000


@dataclass
class Run:
    report: IngestReport
    cpu: float  # CPU seconds ingesting
    bare: float  # CPU seconds of a bare json.loads of the same messages
    scan: float  # CPU seconds of msgspec's validating scan alone of the same messages
    size: int  # characters of JSON
    hours: int  # hourly roll-ups written

    @property
    def rate(self) -> float:
        return self.report.records / self.cpu

    @property
    def ratio(self) -> float:
        return self.bare / self.cpu


def ingest(batches: Iterator[list[LogEvent]]) -> Run:
    """Ingest every page into a fresh SQLite store, timing it beside a bare json.loads."""
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(f"{tmp}/bench.db", SystemClock())
        rollups = RollupStore(store)
        report = IngestReport()
        aggregator = Aggregator(Pricer(), frozenset({"team", "app"}), report)
        cpu = bare = scan = 0.0
        size = 0
        decode = DECODER.decode
        for number, page in enumerate(batches):
            copies = [event.message[:-1] + event.message[-1:] for event in page]
            started = time.process_time()
            for message in copies:
                decode(message)
            scan += time.process_time() - started
            del copies
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
    return Run(report, cpu, bare, scan, size, hours)


def page_peak_bytes() -> tuple[float, int]:
    """Peak Python allocations while one page is ingested (the page itself not counted)."""
    page = next(pages(PAGE))
    aggregator = Aggregator(Pricer(), frozenset({"team", "app"}), IngestReport())
    aggregator.add_events(page[:100], {})  # price tables and caches loaded before measuring
    tracemalloc.start()
    try:
        aggregator.add_events(page, {})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / len(page), sum(len(event.message) for event in page) // len(page)


def run(records: int = RECORDS, runs: int = RUNS) -> list[Figure]:
    done = [ingest(pages(records, PAGE)) for _ in range(runs)]
    distinct = ingest(pages(DISTINCT, PAGE, callers=0))
    per_record, mean = page_peak_bytes()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    first = done[0]
    repeats = f"{runs} runs of {records:,}"
    return [
        fixed("usage: record size (mean)", f"{first.size // records:,}", "characters of JSON"),
        fixed(
            "usage: records ingested per run",
            f"{first.report.records:,}",
            f"({first.report.malformed} malformed)",
        ),
        fixed("usage: hourly roll-ups written per run", f"{first.hours:,}", "documents"),
        measured(
            "usage: parse+price+roll up",
            [r.rate for r in done],
            "records/s, 1 core",
            repeats_of=repeats,
        ),
        measured(
            "usage: bare json.loads, same bytes",
            [records / r.bare for r in done],
            "records/s, 1 core",
            repeats_of=repeats,
        ),
        measured(
            "usage: validating scan alone (msgspec), same bytes",
            [records / r.scan for r in done],
            "records/s, 1 core: the floor",
            repeats_of=repeats,
        ),
        measured(
            "usage: ingest vs the scan alone",
            [r.scan / r.cpu for r in done],
            "x (1 would be no work of ours)",
            digits=2,
            repeats_of=repeats,
        ),
        measured(
            "usage: ingest vs bare json.loads",
            [r.ratio for r in done],
            "x (above 1: faster)",
            digits=2,
            repeats_of=repeats,
        ),
        measured(
            "usage: ingest, every caller new",
            [distinct.rate],
            f"records/s ({distinct.ratio:.2f}x bare json.loads, {DISTINCT:,} records)",
            0,
            "1 run",
        ),
        fixed(
            "usage: peak memory ingesting a page",
            f"{per_record / 1024:.1f}",
            f"KiB per record (page of {PAGE:,}, records of {mean:,} chars, not counted)",
        ),
        measured(
            "usage: peak RSS of the process", [peak_mb], "MB (interpreter included)", 0, "1 run"
        ),
    ]
