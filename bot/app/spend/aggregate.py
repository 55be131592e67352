"""Parsing, pricing and summing invocation-log events into per-hour deltas.

A page of events is first summed per (UTC hour, model id, role, chosen tags): plain integers
in a list, no object kept per record (a record read is dropped at once, so its memory is
reused by the next). Each sum is then priced once and added to its hour's roll-up; its UTC
hour and caller's name are worked out once per group. For a model
priced per token this equals pricing every record (Decimal arithmetic is exact and the price
is linear); a model whose price is tiered per request is priced record by record.

Each sum belongs to the account and region the record names (``accountId``, ``region``),
else to those of the target the records were read from (``place``), so pushed batches and
shared log groups are labelled by where each call was made.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from alarms.places import is_account_id, is_region_name
from alarms.pricing import Cost, TokenCounts
from alarms.rollup import Rollup, Tally, hour_of
from alarms.usage import MalformedRecord, OutOfBounds, base_model_of, principal_of
from alarms.usage_fast import LoggedCall, read_call
from bot.adapters.aws.invocation_logs import LogEvent
from bot.adapters.prices import Pricer
from bot.adapters.store.rollups import hour_key

log = logging.getLogger("bot.app.spend.ingest")
# UTC hour, model, role, chosen tags, account and region as logged
Group = tuple[int, str, str, tuple[tuple[str, str], ...], str, str]
ASSUMED = ":assumed-role/"
CALLS, ERRORS, INPUT, OUTPUT, READ, WRITE, TIERED_USD = range(7)  # then hour and caller


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
    place: tuple[str, str] = ("", "")  # (account, region) of records that do not say
    _tiered: dict[tuple[str, date], bool] = field(default_factory=dict)
    _places: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def add_events(self, events: Iterable[LogEvent], deltas: dict[str, Rollup]) -> None:
        """Add every usable event; one that is not is counted, logged by id and skipped."""
        groups: dict[Group, list[Any]] = {}
        read, keys = read_call, self.tag_keys
        tags: tuple[tuple[str, str], ...]
        for event in events:  # once per record: kept lean, the rest is once per group
            try:
                call = read(event.message)
                arn = call.identity.arn
                role = arn[: arn.rfind("/")]  # an assumed role's session is new every call
                if ASSUMED not in role:
                    role = arn
                metadata = call.requestMetadata  # only the chosen keys: another may be new
                if not metadata:
                    tags = ()
                elif metadata.keys() <= keys:  # the usual case: no other key, no filtering
                    tags = tuple(metadata.items())
                else:
                    tags = tuple([kv for kv in metadata.items() if kv[0] in keys])
                moment = call.timestamp
                if moment.tzinfo is not UTC:  # Bedrock writes UTC; an offset is converted
                    moment = moment.astimezone(UTC)  # (fails at the edge of the calendar)
                hour = moment.toordinal() * 24 + moment.hour  # the UTC hour
                group = (hour, call.modelId, role, tags, call.accountId, call.region)
                sums = groups.get(group)
                if sums is None:
                    sums = groups[group] = self._new_group(call, moment)
                inp = call.input
                sums[CALLS] += 1
                if call.errorCode:
                    sums[ERRORS] += 1
                sums[INPUT] += inp.inputTokenCount
                sums[OUTPUT] += call.output.outputTokenCount
                sums[READ] += inp.cacheReadInputTokenCount
                sums[WRITE] += inp.cacheWriteInputTokenCount
                if sums[TIERED_USD] is not None:  # priced per request: price this one now
                    counts = (
                        inp.inputTokenCount,
                        call.output.outputTokenCount,
                        inp.cacheReadInputTokenCount,
                        inp.cacheWriteInputTokenCount,
                    )
                    cost = self._price(call.modelId, counts, moment)
                    sums[TIERED_USD] += cost.usd or Decimal(0)
            except OutOfBounds as exc:
                self.report.out_of_bounds += 1
                self._skip(event, str(exc), "set aside an out-of-bounds invocation-log record")
            except MalformedRecord as exc:
                self._skip(event, str(exc), "skipped a malformed invocation-log record")
            except Exception as exc:
                self._skip(event, type(exc).__name__, "skipped an unreadable invocation-log record")
        for (_, model_id, _, tags, account, region), sums in groups.items():
            try:
                place = self._place(account, region)
                self._add_group(model_id, list(tags), sums, deltas, place)
            except Exception as exc:  # a pricing bug: the other groups still count
                self.report.malformed += sums[CALLS]
                log.warning(
                    "skipped invocation-log records that could not be priced",
                    extra={"records": sums[CALLS], "reason": type(exc).__name__},
                )

    def _new_group(self, call: LoggedCall, moment: datetime) -> list[Any]:
        """A group's sums, with its UTC hour and caller worked out once."""
        hour = hour_of(moment)
        tiered = self._is_tiered(call.modelId, hour)
        usd = Decimal(0) if tiered else None
        return [0, 0, 0, 0, 0, 0, usd, hour, principal_of(call.identity.arn)]

    def _skip(self, event: LogEvent, reason: str, message: str) -> None:
        """Count and log a record left out: its event id and why, never its content."""
        self.report.malformed += 1
        log.warning(message, extra={"event_id": event.event_id, "reason": reason})

    def _add_group(
        self,
        model_id: str,
        tags: list[tuple[str, str]],
        sums: list[Any],
        deltas: dict[str, Rollup],
        place: tuple[str, str],
    ) -> None:
        """Price one group's sums (once, unless tiered) and add them to its hour's roll-up."""
        calls, errors, inp, out, read, write, usd, hour, principal = sums
        model = base_model_of(model_id)
        if usd is None:
            cost = self._price(model_id, (inp, out, read, write), hour)
            usd = cost.usd
            if usd is None:
                self.report.unpriced.setdefault(model, cost.reason)
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
        account, region = place
        key = hour_key(hour, account, region)
        rollup = deltas.get(key)
        if rollup is None:
            rollup = deltas[key] = Rollup(hour=hour, account=account, region=region)
        rollup.add_tally(model, principal, tags, tally)
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

    def _place(self, account: str, region: str) -> tuple[str, str]:
        """The record's account and region when they are well formed, else the target's
        (checked once per pair seen: a poll holds few)."""
        place = self._places.get((account, region))
        if place is None:
            if len(self._places) > 1_000:
                self._places.clear()
            place = self._places[(account, region)] = (
                account if is_account_id(account) else self.place[0],
                region if is_region_name(region) else self.place[1],
            )
        return place
