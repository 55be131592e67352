"""Parsing, pricing and summing invocation-log events into per-hour deltas.

A page of events is first summed per (hour, model, caller, tags): plain integers in a list,
no object per record. Each sum is then priced once and added to its hour's roll-up. For a
model priced per token this equals pricing every record (Decimal arithmetic is exact and the
price is linear); a model whose price is tiered per request is priced record by record.

Each sum belongs to the account and region the record names (``accountId``, ``region``),
else to those of the target the records were read from (``place``), so pushed batches and
shared log groups are labelled by where each call was made.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from alarms.pricing import TokenCounts
from alarms.rollup import Rollup, Tally
from alarms.usage import Checked, MalformedRecord, OutOfBounds, base_model_of, principal_of
from alarms.usage_fast import read_fields
from bot.adapters.aws.invocation_logs import LogEvent
from bot.adapters.prices import Pricer
from bot.adapters.store.rollups import hour_key

log = logging.getLogger("bot.app.spend.ingest")
ACCOUNT = re.compile(r"\d{12}\Z")
REGION = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}\Z")
# hour, model id, caller, tags, account, region
Group = tuple[datetime, str, str, tuple[tuple[str, str], ...], str, str]
ASSUMED = ":assumed-role/"
CALLS, ERRORS, INPUT, OUTPUT, READ, WRITE, TIERED_USD = range(7)


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
    _principals: dict[str, str] = field(default_factory=dict)
    _places: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def add_events(self, events: Iterable[LogEvent], deltas: dict[str, Rollup]) -> None:
        """Add every usable event; one that is not is counted, logged by id and skipped."""
        groups: dict[Group, list[Any]] = {}
        for event in events:
            try:
                data, got = read_fields(event.message)
                self._count(data, got, groups)
            except OutOfBounds as exc:
                self.report.out_of_bounds += 1
                self._skip(event, str(exc), "set aside an out-of-bounds invocation-log record")
            except MalformedRecord as exc:
                self._skip(event, str(exc), "skipped a malformed invocation-log record")
            except Exception as exc:
                self._skip(event, type(exc).__name__, "skipped an unreadable invocation-log record")
        self._flush(groups, deltas)

    def _skip(self, event: LogEvent, reason: str, message: str) -> None:
        """Count and log a record left out: its event id and why, never its content."""
        self.report.malformed += 1
        log.warning(message, extra={"event_id": event.event_id, "reason": reason})

    def _count(self, data: dict[str, Any], got: Checked, groups: dict[Group, list[Any]]) -> None:
        at = got.time
        hour = (at if at.tzinfo is UTC else at.astimezone(UTC)).replace(
            minute=0, second=0, microsecond=0
        )
        tags = data.get("requestMetadata")
        keys = self.tag_keys
        chosen = (
            tuple([(k, v) for k, v in tags.items() if k in keys and isinstance(v, str)])
            if tags and isinstance(tags, dict)
            else ()
        )
        account, region = data.get("accountId"), data.get("region")
        group = (
            hour,
            got.model_id,
            self._principal(got.identity_arn),
            chosen,
            account if type(account) is str else "",
            region if type(region) is str else "",
        )
        sums = groups.get(group)
        if sums is None:
            tiered = self._is_tiered(got.model_id, hour)
            sums = groups[group] = [0, 0, 0, 0, 0, 0, Decimal(0) if tiered else None]
        error = data.get("errorCode")
        sums[CALLS] += 1
        sums[ERRORS] += isinstance(error, str) and error != ""
        sums[INPUT] += got.input
        sums[OUTPUT] += got.output
        sums[READ] += got.cache_read
        sums[WRITE] += got.cache_write
        if sums[TIERED_USD] is not None:  # priced per request: price this one now
            tokens = TokenCounts.model_construct(
                input=got.input,
                output=got.output,
                cache_read=got.cache_read,
                cache_write=got.cache_write,
            )
            sums[TIERED_USD] += self.pricer.price(got.model_id, tokens, at).usd or Decimal(0)

    def _principal(self, arn: str) -> str:
        """principal_of, remembered per role (a session name is often new with every call)."""
        cut = arn.rfind("/")
        key = arn[:cut] if cut > 0 and ASSUMED in arn else arn
        principal = self._principals.get(key)
        if principal is None:
            if len(self._principals) > 10_000:
                self._principals.clear()
            principal = self._principals[key] = principal_of(arn)
        return principal

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
                account if ACCOUNT.match(account) else self.place[0],
                region if REGION.match(region) else self.place[1],
            )
        return place

    def _flush(self, groups: dict[Group, list[Any]], deltas: dict[str, Rollup]) -> None:
        """Price each sum once and add it to its hour's roll-up."""
        for (
            hour,
            model_id,
            principal,
            tags,
            logged_account,
            logged_region,
        ), sums in groups.items():
            account, region = self._place(logged_account, logged_region)
            calls, errors, inp, out, read, write, usd = sums
            model = base_model_of(model_id)
            if usd is None:
                tokens = TokenCounts.model_construct(
                    input=inp, output=out, cache_read=read, cache_write=write
                )
                cost = self.pricer.price(model_id, tokens, hour)
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
            key = hour_key(hour, account, region)
            rollup = deltas.get(key)
            if rollup is None:
                rollup = deltas[key] = Rollup(hour=hour, account=account, region=region)
            rollup.add_tally(model, principal, tags, tally)
            self.report.records += calls
