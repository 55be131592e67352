"""Usage roll-ups: token and spend tallies per hour, per model, principal and tag.

A roll-up belongs to one account and region (the invocation-log record's own ``accountId``
and ``region``), so budgets and stats can filter and group by them; merging roll-ups of
different accounts sums them into a roll-up of none.

Budgets, forecasts and ``/genai-stats`` read these instead of raw records, so they stay cheap
however much traffic there is. Money is Decimal; stored as strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from alarms.usage import UsageRecord

OTHER = "(other)"
MAX_KEYS = 500  # per dimension per hour; the rest is summed under "(other)"
DIMENSIONS = ("models", "principals", "tags", "model_principal", "tag_model", "tag_principal")
PAIR = "\x1f"  # joins the two keys of a cross-dimension slice, e.g. "team=support<PAIR>model"


@dataclass(slots=True)
class Tally:
    """Calls, tokens and spend of some slice of traffic."""

    calls: int = 0
    errors: int = 0
    input: int = 0
    output: int = 0
    cache_read: int = 0
    cache_write: int = 0
    usd: Decimal = field(default_factory=Decimal)
    unpriced_calls: int = 0
    unpriced_tokens: int = 0

    @property
    def tokens(self) -> int:
        return self.input + self.output + self.cache_read + self.cache_write

    def add(self, record: UsageRecord, usd: Decimal | None) -> None:
        tokens = record.tokens
        self.calls += 1
        self.errors += record.error_code is not None
        self.input += tokens.input
        self.output += tokens.output
        self.cache_read += tokens.cache_read
        self.cache_write += tokens.cache_write
        if usd is None:
            self.unpriced_calls += 1
            self.unpriced_tokens += tokens.input + tokens.output
            self.unpriced_tokens += tokens.cache_read + tokens.cache_write
        else:
            self.usd += usd

    def merge(self, other: Tally) -> None:
        self.calls += other.calls
        self.errors += other.errors
        self.input += other.input
        self.output += other.output
        self.cache_read += other.cache_read
        self.cache_write += other.cache_write
        self.usd += other.usd
        self.unpriced_calls += other.unpriced_calls
        self.unpriced_tokens += other.unpriced_tokens

    def to_json(self) -> list[Any]:
        return [
            self.calls,
            self.errors,
            self.input,
            self.output,
            self.cache_read,
            self.cache_write,
            str(self.usd),
            self.unpriced_calls,
            self.unpriced_tokens,
        ]

    @classmethod
    def from_json(cls, data: list[Any]) -> Tally:
        calls, errors, inp, out, read, write, usd, unpriced, unpriced_tokens = data
        return cls(calls, errors, inp, out, read, write, Decimal(usd), unpriced, unpriced_tokens)


@dataclass(slots=True)
class Rollup:
    """Usage in one UTC hour (or, once merged, any span of hours)."""

    hour: datetime
    account: str = ""  # the AWS account the calls were made in ("" when not known)
    region: str = ""  # the region Bedrock was called in
    total: Tally = field(default_factory=Tally)
    models: dict[str, Tally] = field(default_factory=dict)
    principals: dict[str, Tally] = field(default_factory=dict)
    tags: dict[str, Tally] = field(default_factory=dict)
    # Cross slices, so an alert on one slice can name the top spenders inside it.
    model_principal: dict[str, Tally] = field(default_factory=dict)
    tag_model: dict[str, Tally] = field(default_factory=dict)
    tag_principal: dict[str, Tally] = field(default_factory=dict)

    def add(self, record: UsageRecord, usd: Decimal | None, tag_keys: frozenset[str]) -> None:
        tally = Tally()
        tally.add(record, usd)
        tags = [(key, value) for key, value in record.tags.items() if key in tag_keys]
        self.add_tally(record.base_model, record.principal, tags, tally)

    def add_tally(
        self, model: str, principal: str, tags: Iterable[tuple[str, str]], tally: Tally
    ) -> None:
        """Add calls already summed (one model, caller and set of tags) to every slice."""
        self.total.merge(tally)
        _slot(self.models, model).merge(tally)
        _slot(self.principals, principal).merge(tally)
        _slot(self.model_principal, model + PAIR + principal).merge(tally)
        for key, value in tags:
            tag = f"{key}={value}"
            _slot(self.tags, tag).merge(tally)
            _slot(self.tag_model, tag + PAIR + model).merge(tally)
            _slot(self.tag_principal, tag + PAIR + principal).merge(tally)

    def merge(self, other: Rollup) -> None:
        self.total.merge(other.total)
        for name in DIMENSIONS:
            mine: dict[str, Tally] = getattr(self, name)
            for key, tally in getattr(other, name).items():
                _slot(mine, key).merge(tally)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"hour": self.hour.isoformat(), "total": self.total.to_json()}
        if self.account or self.region:
            body["account"], body["region"] = self.account, self.region
        for name in DIMENSIONS:
            body[name] = {k: t.to_json() for k, t in getattr(self, name).items()}
        return body

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Rollup:
        return cls(
            hour=datetime.fromisoformat(body["hour"]),
            account=body.get("account", ""),
            region=body.get("region", ""),
            total=Tally.from_json(body["total"]),
            **{
                name: {k: Tally.from_json(v) for k, v in body.get(name, {}).items()}
                for name in DIMENSIONS
            },
        )

    @property
    def place(self) -> tuple[str, str]:
        """(account, region): where these calls were made."""
        return self.account, self.region


def _slot(table: dict[str, Tally], key: str) -> Tally:
    tally = table.get(key)
    if tally is None:
        if len(table) >= MAX_KEYS and key != OTHER:
            return _slot(table, OTHER)
        tally = table[key] = Tally()
    return tally


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def combined(rollups: Iterable[Rollup], start: datetime) -> Rollup:
    """The sum of ``rollups`` as one Rollup starting at ``start``."""
    total = Rollup(hour=start)
    for rollup in rollups:
        total.merge(rollup)
    return total


def within(rollups: Iterable[Rollup], start: datetime, end: datetime) -> list[Rollup]:
    """The hourly roll-ups whose hour starts in [start, end)."""
    return [r for r in rollups if start <= r.hour < end]


def compacted(rollups: Iterable[Rollup], hourly_since: datetime) -> list[Rollup]:
    """Hours before ``hourly_since`` merged into one roll-up per UTC day, account and region
    (keyed by the day's first hour), later ones kept as they are: a month of history in ~30
    documents' memory per account and region."""
    days: dict[tuple[datetime, str, str], Rollup] = {}
    recent: list[Rollup] = []
    for rollup in rollups:
        if rollup.hour >= hourly_since:
            recent.append(rollup)
            continue
        day = (rollup.hour.replace(hour=0), *rollup.place)
        if day not in days:  # keyed by the first hour held of that day
            days[day] = Rollup(hour=rollup.hour, account=rollup.account, region=rollup.region)
        days[day].merge(rollup)
    return sorted(days.values(), key=lambda r: r.hour) + recent
