"""`genai-ops backtest`: a CSV series through a rule, as the poller would judge it.

Real exports are accepted as they come: rows in any order, repeated timestamps (the last row
of each wins), uneven steps and gaps, blank values. Only unreadable input is an error.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from alarms.backtest import BACKTEST_RULES, replay_pages
from alarms.model import MetricPoint
from alarms.rules import Rule, default_rules
from alarms.series import resample, typical_step


class BacktestError(ValueError):
    """The input cannot be replayed; the message names the line and what to fix."""


@dataclass(frozen=True, slots=True)
class Row:
    """One distinct input timestamp: its text and value as given, and what they parse to."""

    stamp: str
    raw: str
    moment: datetime
    value: float | None


@dataclass(frozen=True, slots=True)
class Series:
    """The rows of a CSV in time order, one per distinct timestamp."""

    rows: list[Row]
    repeated: int  # rows dropped because a later row had the same timestamp


def pick_rule(kind: str, rules: Iterable[Rule]) -> Rule:
    """The configured rule of ``kind`` (the first, when several), else its default."""
    if kind not in BACKTEST_RULES:
        raise BacktestError(
            f"rule {kind!r} cannot be backtested; choose one of {', '.join(BACKTEST_RULES)}"
        )
    for rule in [*rules, *default_rules()]:
        if rule.kind == kind:
            return rule
    raise BacktestError(f"no rule of kind {kind!r}")


def read_series(source: TextIO, name: str) -> Series:
    """The rows of a ``timestamp,value`` CSV, sorted by time, the last of repeats kept."""
    reader = csv.reader(source)
    header = next(reader, None)
    if header is None:
        raise BacktestError(f"{name} is empty: it needs a header timestamp,value and data rows")
    if [h.strip().lower() for h in header[:2]] != ["timestamp", "value"]:
        raise BacktestError(f"{name} line 1: the header must be timestamp,value (got {header})")
    by_moment: dict[datetime, Row] = {}
    count = 0
    for line, fields in enumerate(reader, start=2):
        if not fields or not "".join(fields).strip():
            continue
        if len(fields) < 2:
            raise BacktestError(f"{name} line {line}: expected timestamp,value")
        stamp, raw = fields[0].strip(), fields[1].strip()
        moment = _moment(stamp, name, line)
        by_moment[moment] = Row(fields[0], fields[1], moment, _number(raw, name, line))
        count += 1
    if not by_moment:
        raise BacktestError(f"{name}: no data rows")
    rows = [by_moment[moment] for moment in sorted(by_moment)]
    return Series(rows, count - len(rows))


def run_backtest(rule: Rule, rows: list[Row], out: TextIO, period_seconds: int | None) -> int:
    """Write ``timestamp,value,firing,onset`` for every row; returns the pages sent.

    With ``period_seconds`` the values are first averaged into periods of that length;
    every row then reports the state of its period.
    """
    points = [MetricPoint(timestamp=r.moment, value=r.value) for r in rows if r.value is not None]
    period = period_seconds or typical_step(r.moment for r in rows)
    if period_seconds:
        points = resample(points, period_seconds)
    states = {state.timestamp: state for state in replay_pages(rule, points, period)}
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["timestamp", "value", "firing", "onset"])
    firing, pages = False, 0
    reported: set[datetime] = set()
    for row in rows:
        key = _period_start(row.moment, period_seconds) if period_seconds else row.moment
        state = states.get(key)
        onset = bool(state and state.page and key not in reported)
        reported.add(key)
        firing = state.firing if state else firing  # a gap keeps the state
        pages += onset
        writer.writerow([row.stamp, row.raw, int(firing), int(onset)])
    return pages


def _period_start(moment: datetime, period_seconds: int) -> datetime:
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % period_seconds, UTC)


def _moment(text: str, name: str, line: int) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BacktestError(
            f"{name} line {line}: {text!r} is not a timestamp (use ISO 8601 or YYYY-MM-DD HH:MM:SS)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _number(text: str, name: str, line: int) -> float | None:
    if text == "":
        return None  # a missing period: neither breaches nor calms
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise BacktestError(f"{name} line {line}: {text!r} is not a number")
    return value
