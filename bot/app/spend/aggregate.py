"""Parsing, pricing and summing invocation-log events into per-hour deltas."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC

from alarms.pricing import Cost
from alarms.rollup import Rollup, hour_of
from alarms.usage import MalformedRecord, OutOfBounds, UsageRecord
from alarms.usage_fast import read_usage
from bot.adapters.aws.invocation_logs import LogEvent
from bot.adapters.prices import Pricer
from bot.adapters.store.rollups import hour_key

log = logging.getLogger("bot.app.spend.ingest")


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
