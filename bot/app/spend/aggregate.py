"""Parsing, pricing and summing invocation-log events into per-hour deltas.

A page of events is first grouped per (UTC hour, model id, role, tags): each record read
(``Checked``, a tuple, no body) is appended to its group's list, and that is all the per-record
work. Each group is then summed (in C, column by column), priced once and added to its hour's
roll-up; its caller's name and its chosen tags are worked out once per group too. For a model
priced per token this equals pricing every record (Decimal arithmetic is exact and the price
is linear); a model whose price is tiered per request is priced record by record.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from operator import itemgetter

from alarms.pricing import Cost, TokenCounts
from alarms.rollup import Rollup, Tally
from alarms.usage import Checked, MalformedRecord, OutOfBounds, base_model_of, principal_of
from alarms.usage_fast import fast_fields, whole_fields
from bot.adapters.aws.invocation_logs import LogEvent
from bot.adapters.prices import Pricer
from bot.adapters.store.rollups import hour_key

log = logging.getLogger("bot.app.spend.ingest")
Group = tuple[float, str, str, tuple[tuple[str, str], ...]]  # hour number, model, role, tags
ASSUMED = ":assumed-role/"
# Checked's positions of the four counts, and of the error code
COLUMNS = tuple(itemgetter(Checked._fields.index(name)) for name in Checked._fields[4:8])
ERROR_CODE = itemgetter(Checked._fields.index("error_code"))


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
    _tiered: dict[tuple[str, date], bool] = field(default_factory=dict)

    def add_events(self, events: Iterable[LogEvent], deltas: dict[str, Rollup]) -> None:
        """Add every usable event; one that is not is counted, logged by id and skipped."""
        groups: dict[Group, list[Checked]] = {}
        hours: dict[Group, datetime] = {}
        fast = fast_fields
        for event in events:  # once per record: kept lean, everything else is per group
            try:
                message = event.message
                got = fast(message) or whole_fields(message)
                arn = got.identity_arn
                role = arn[: arn.rfind("/")]  # an assumed role's session is new every call
                if ASSUMED not in role:
                    role = arn
                hour = got.time.timestamp() // 3600  # the UTC hour, whatever the offset
                group = (hour, got.model_id, role, got.tags)
                records = groups.get(group)
                if records is None:  # a time at the edge of the calendar fails here
                    hours[group] = got.time.astimezone(UTC).replace(
                        minute=0, second=0, microsecond=0
                    )
                    groups[group] = [got]
                else:
                    records.append(got)
            except OutOfBounds as exc:
                self.report.out_of_bounds += 1
                self._skip(event, str(exc), "set aside an out-of-bounds invocation-log record")
            except MalformedRecord as exc:
                self._skip(event, str(exc), "skipped a malformed invocation-log record")
            except Exception as exc:
                self._skip(event, type(exc).__name__, "skipped an unreadable invocation-log record")
        for group, records in groups.items():
            try:
                self._add_group(hours[group], records, deltas)
            except Exception as exc:  # a pricing bug: the other groups still count
                self.report.malformed += len(records)
                log.warning(
                    "skipped invocation-log records that could not be priced",
                    extra={"records": len(records), "reason": type(exc).__name__},
                )

    def _skip(self, event: LogEvent, reason: str, message: str) -> None:
        """Count and log a record left out: its event id and why, never its content."""
        self.report.malformed += 1
        log.warning(message, extra={"event_id": event.event_id, "reason": reason})

    def _add_group(self, hour: datetime, records: list[Checked], deltas: dict[str, Rollup]) -> None:
        """Sum one group, price the sum once and add it to its hour's roll-up."""
        first = records[0]
        model_id = first.model_id
        calls = len(records)
        inp, out, read, write = (sum(map(column, records)) for column in COLUMNS)
        errors = calls - list(map(ERROR_CODE, records)).count(None)
        model = base_model_of(model_id)
        if self._is_tiered(model_id, hour):  # priced per request: price each record
            total = Decimal(0)
            for r in records:
                counts = (r.input, r.output, r.cache_read, r.cache_write)
                total += self._price(model_id, counts, r.time).usd or Decimal(0)
            usd: Decimal | None = total
        else:
            cost = self._price(model_id, (inp, out, read, write), hour)
            usd = cost.usd
            if usd is None:
                self.report.unpriced.setdefault(model, cost.reason)
        keys = self.tag_keys
        tags = [(k, v) for k, v in first.tags if k in keys]
        unpriced = usd is None
        tally = Tally(
            calls,
            errors,
            inp,
            out,
            read,
            write,
            Decimal(0) if usd is None else usd,
            calls if unpriced else 0,
            inp + out + read + write if unpriced else 0,
        )
        key = hour_key(hour)
        rollup = deltas.get(key)
        if rollup is None:
            rollup = deltas[key] = Rollup(hour=hour)
        rollup.add_tally(model, principal_of(first.identity_arn), tags, tally)
        self.report.records += calls

    def _price(self, model_id: str, counts: tuple[int, int, int, int], at: datetime) -> Cost:
        input, output, cache_read, cache_write = counts
        tokens = TokenCounts.model_construct(
            input=input, output=output, cache_read=cache_read, cache_write=cache_write
        )
        return self.pricer.price(model_id, tokens, at)

    def _is_tiered(self, model_id: str, hour: datetime) -> bool:
        """Whether the model's price depends on each request (then each record is priced)."""
        key = (model_id, hour.date())
        tiered = self._tiered.get(key)  # one look-up per model and day, not per record
        if tiered is None:
            tiered = self._tiered[key] = self.pricer.quote(model_id, hour).exact_ref is not None
        return tiered
