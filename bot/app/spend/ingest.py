"""Reading invocation logs into roll-ups, each record counted exactly once.

The cursor (kind ``usage_cursor``, one per log group) holds the last timestamp read and the
event ids already counted at that timestamp. Each page is committed in two steps: the cursor
moves forward together with the page's aggregated deltas (one conditional write: the commit
point), then the deltas are applied to the hourly roll-ups and cleared from the cursor. A crash
between the two re-applies the deltas on the next run, and roll-ups ignore a batch they already
hold. A second poller racing on the same cursor loses the conditional write and stops.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from alarms.pricing import Cost
from alarms.rollup import Rollup, hour_of
from alarms.usage import MalformedRecord, OutOfBounds, UsageRecord
from alarms.usage_fast import read_usage
from bot.adapters.aws.invocation_logs import LogEvent, LogReader
from bot.adapters.prices import Pricer
from bot.adapters.store import Conflict, StateStore
from bot.adapters.store.rollups import RollupStore, deltas_from_json, deltas_to_json, hour_key

log = logging.getLogger(__name__)
CURSOR = "usage_cursor"


@dataclass
class IngestReport:
    records: int = 0
    malformed: int = 0  # records that could not be used, out-of-bounds ones included
    out_of_bounds: int = 0  # well formed, but with numbers Bedrock cannot produce
    duplicates: int = 0
    pages: int = 0
    unpriced: dict[str, str] = field(default_factory=dict)  # model -> why
    stopped: str = ""  # why reading stopped early, if it did


@dataclass
class Aggregator:
    """Parses, prices and sums events into per-hour deltas."""

    pricer: Pricer
    tag_keys: frozenset[str]
    report: IngestReport

    def add_events(self, events: Iterable[LogEvent], deltas: dict[str, Rollup]) -> None:
        """Add every usable event; one that is not is counted, logged by id and skipped."""
        for event in events:
            try:
                record = read_usage(event.message)
                self.add(record, deltas)
            except OutOfBounds as exc:
                self.report.out_of_bounds += 1
                self._skip(event, str(exc), "set aside an out-of-bounds invocation-log record")
                continue
            except MalformedRecord as exc:
                self._skip(event, str(exc), "skipped a malformed invocation-log record")
                continue
            except Exception as exc:
                self._skip(event, type(exc).__name__, "skipped an unreadable invocation-log record")

    def _skip(self, event: LogEvent, reason: str, message: str) -> None:
        """Count and log a record left out: its event id and why, never its content."""
        self.report.malformed += 1
        log.warning(message, extra={"event_id": event.event_id, "reason": reason})

    def add(self, record: UsageRecord, deltas: dict[str, Rollup]) -> Cost:
        cost = self.pricer.price(record.model_id, record.tokens, record.time)
        hour = hour_of(record.time.astimezone(UTC))
        key = hour_key(hour)
        rollup = deltas.get(key)
        if rollup is None:
            rollup = deltas[key] = Rollup(hour=hour)
        rollup.add(record, cost.usd, self.tag_keys)
        self.report.records += 1
        if cost.usd is None:
            self.report.unpriced.setdefault(record.base_model, cost.reason)
        return cost


class UsageIngest:
    """Incremental reader of one invocation-log group into the roll-ups."""

    def __init__(
        self, store: StateStore, reader: LogReader, pricer: Pricer, tag_keys: Iterable[str]
    ) -> None:
        self.store = store
        self.reader = reader
        self.rollups = RollupStore(store)
        self.pricer = pricer
        self.tag_keys = frozenset(tag_keys)

    @property
    def key(self) -> str:
        return self.reader.log_group

    def cursor(self) -> dict[str, Any] | None:
        record = self.store.get(CURSOR, self.key)
        return record.body if record else None

    def run(self, first_start: datetime, end: datetime) -> IngestReport:
        """Read everything new up to ``end``; with no cursor yet, from ``first_start``."""
        report = IngestReport()
        record = self.store.get(CURSOR, self.key)
        body = dict(record.body) if record else _new_cursor(first_start, self.key)
        version = record.version if record else 0
        if body.get("pending"):
            finished = self._finish(body, version)
            if finished is None:
                report.stopped = "another poller holds the cursor"
                return report
            version, body = finished, {**body, "pending": None}
        aggregator = Aggregator(self.pricer, self.tag_keys, report)
        end_ms = int(end.timestamp() * 1000)
        if end_ms <= body["ts"]:
            return report
        seen = set(body["ids"])
        for page in self.reader.pages(body["ts"], end_ms):
            report.pages += 1
            fresh = [e for e in page if not (e.timestamp == body["ts"] and e.event_id in seen)]
            report.duplicates += len(page) - len(fresh)
            if not fresh:
                continue
            deltas: dict[str, Rollup] = {}
            before = report.malformed, report.records
            aggregator.add_events(fresh, deltas)
            body = _advance(
                body, fresh, deltas, report.malformed - before[0], report.records - before[1]
            )
            seen = set(body["ids"])
            try:
                version = self.store.put(CURSOR, self.key, body, expected_version=version)
            except Conflict:
                report.stopped = "another poller moved the cursor first"
                return report
            finished = self._finish(body, version)
            if finished is None:
                report.stopped = "another poller moved the cursor first"
                return report
            version = finished
            body = {**body, "pending": None}
        return report

    def _finish(self, body: dict[str, Any], version: int) -> int | None:
        """Apply the cursor's pending deltas to the roll-ups, then clear them."""
        pending = body["pending"]
        self.rollups.apply(pending["batch_id"], deltas_from_json(pending["deltas"]))
        try:
            return self.store.put(
                CURSOR, self.key, {**body, "pending": None}, expected_version=version
            )
        except Conflict:
            return None


def _new_cursor(start: datetime, group: str) -> dict[str, Any]:
    return {
        "group": group,
        "ts": int(start.timestamp() * 1000),
        "ids": [],
        "batch": 0,
        "pending": None,
        "records": 0,
        "malformed": 0,
    }


def _advance(
    body: dict[str, Any],
    events: list[LogEvent],
    deltas: dict[str, Rollup],
    malformed: int,
    records: int,
) -> dict[str, Any]:
    last = max(e.timestamp for e in events)
    at_last = [e.event_id for e in events if e.timestamp == last]
    ids = (body["ids"] + at_last) if last == body["ts"] else at_last
    batch = body["batch"] + 1
    return {
        **body,
        "ts": last,
        "ids": ids,
        "batch": batch,
        "records": body["records"] + records,
        "malformed": body["malformed"] + malformed,
        "pending": {
            "batch_id": f"pull:{body['group']}:{batch}",
            "deltas": deltas_to_json(deltas),
        },
    }


def ingest_delivery(
    store: StateStore, pricer: Pricer, tag_keys: Iterable[str], events: list[LogEvent]
) -> IngestReport:
    """Add a pushed batch (a subscription-filter delivery) to the roll-ups, idempotently.

    A redelivered batch has the same event ids, hence the same batch id, and every hour it
    already reached ignores it.
    """
    import hashlib

    report = IngestReport()
    if not events:
        return report
    deltas: dict[str, Rollup] = {}
    Aggregator(pricer, frozenset(tag_keys), report).add_events(events, deltas)
    digest = hashlib.sha256("\n".join(sorted(e.event_id for e in events)).encode()).hexdigest()
    RollupStore(store).apply(f"push:{digest[:32]}", deltas)
    return report
