"""Reading invocation logs into roll-ups, each record counted exactly once, late ones too.

CloudWatch Logs delivers records late (minutes, sometimes more), so a poll reads again the
last ``overlap`` before where the previous one stopped, and remembers the event ids it read
in that window (``SeenEvents``) to count each record once. The cursor (kind
``usage_cursor``, one per log group of each target region: the key is the group, prefixed by
the target region's name when the bot watches several) holds where reading stopped (``ts``).
Each page is committed in two steps: the cursor with the page's aggregated deltas and the
page's remembered ids, in one atomic write conditional on the cursor's version (the commit
point); then the deltas are applied to the hourly roll-ups and cleared from the cursor. A
crash between the two re-applies the deltas on the next run, and roll-ups ignore a batch
they already hold. A second poller racing on the same cursor loses the conditional write and
stops.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from alarms.rollup import Rollup
from bot.adapters.aws.invocation_logs import LogEvent, LogReader
from bot.adapters.prices import Pricer
from bot.adapters.store import Conflict, StateStore, Write
from bot.adapters.store.rollups import RollupStore, deltas_from_json, deltas_to_json
from bot.adapters.store.seen_events import SeenEvents, SeenWindow
from bot.app.spend.aggregate import Aggregator, IngestReport

__all__ = ["CURSOR", "Aggregator", "IngestReport", "UsageIngest", "ingest_delivery"]
CURSOR = "usage_cursor"
DEFAULT_OVERLAP = timedelta(minutes=5)


class UsageIngest:
    """Incremental reader of one invocation-log group into the roll-ups."""

    def __init__(
        self,
        store: StateStore,
        reader: LogReader,
        pricer: Pricer,
        tag_keys: Iterable[str],
        overlap: timedelta = DEFAULT_OVERLAP,
        *,
        target: str = "",
        place: tuple[str, str] = ("", ""),
    ) -> None:
        """``target`` names the target region in the cursor's key ("" for a bot with no
        targets); ``place`` is its (account, region), for records that do not say theirs."""
        self.store = store
        self.target = target
        self.place = place
        self.reader = reader
        self.rollups = RollupStore(store)
        self.seen = SeenEvents(store)
        self.pricer = pricer
        self.tag_keys = frozenset(tag_keys)
        self.overlap_ms = int(overlap.total_seconds() * 1000)

    @property
    def key(self) -> str:
        group = self.reader.log_group
        return f"{self.target}|{group}" if self.target else group

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
        end_ms = int(end.timestamp() * 1000)
        if end_ms <= body["ts"]:
            return report  # nothing new (or a clock that went back)
        legacy = _legacy_ids(body)
        if legacy is not None:  # what the old cursor counted is not remembered: never re-read it
            body = {**body, "v": 2, "floor": max(body["ts"], body.get("floor", 0))}
        start = max(body["ts"] - self.overlap_ms, body.get("floor", 0))
        window = self.seen.window(self.key, start)
        reread_until = body["ts"]  # later events were never counted: no need to look up
        aggregator = Aggregator(self.pricer, self.tag_keys, report, self.place)
        for page in self.reader.pages(start, end_ms):
            report.pages += 1
            fresh = _fresh(page, window, legacy, reread_until, self.overlap_ms)
            report.duplicates += len(page) - len(fresh)
            if not fresh:
                continue
            deltas: dict[str, Rollup] = {}
            before = report.malformed, report.records
            aggregator.add_events(fresh, deltas)
            counts = report.malformed - before[0], report.records - before[1]
            body = _advance(body, fresh, deltas, *counts)
            committed = self._commit(body, version, window)
            if committed is None:
                report.stopped = "another poller moved the cursor first"
                return report
            version = committed
            body = {**body, "pending": None}
        if self._commit({**body, "ts": end_ms}, version, window) is None:
            report.stopped = "another poller moved the cursor first"
        else:
            self.seen.forget_stale(window)
        return report

    def _commit(self, body: dict[str, Any], version: int, window: SeenWindow) -> int | None:
        """Write the cursor and the remembered ids atomically, then apply pending deltas."""
        writes = [Write(CURSOR, self.key, body, expected_version=version), *window.writes()]
        try:
            version = self.store.put_all(writes)[0]
        except Conflict:
            return None
        return self._finish(body, version) if body.get("pending") else version

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


def _fresh(
    page: list[LogEvent],
    window: SeenWindow,
    legacy: set[str] | None,
    reread_until: int,
    overlap_ms: int,
) -> list[LogEvent]:
    """The page's events not counted before; those the next poll may read again are kept
    in ``window`` (hashing only the events in either stretch keeps a backfill fast)."""
    keep_from = max(e.timestamp for e in page) - overlap_ms
    fresh = []
    for event in page:
        at = event.timestamp
        keep = at >= keep_from
        if legacy is not None and event.event_id in legacy:
            window.first_time(event.event_id, at, keep=keep)  # counted by the older reader
            continue
        if (keep or at <= reread_until) and not window.first_time(event.event_id, at, keep=keep):
            continue
        fresh.append(event)
    return fresh


def _legacy_ids(body: dict[str, Any]) -> set[str] | None:
    """A cursor written before the overlap window: the ids counted at its timestamp."""
    return None if body.get("v") == 2 else set(body.get("ids", []))


def _new_cursor(start: datetime, group: str) -> dict[str, Any]:
    ms = int(start.timestamp() * 1000)
    return {
        "v": 2,
        "group": group,
        "ts": ms,
        "floor": ms,  # never read before the first start
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
    """The cursor after a page: past its newest event, with the page's deltas pending."""
    batch = body["batch"] + 1
    return {
        **body,
        "ts": max(body["ts"], max(e.timestamp for e in events)),
        "ids": [],
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
