"""`genai-ops backtest`: a CSV series through a rule, as the poller would judge it."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import TextIO

from alarms.backtest import BACKTEST_RULES, backtest
from alarms.model import MetricPoint
from alarms.rules import Rule, default_rules


class BacktestError(ValueError):
    """The input cannot be replayed; the message names the line and what to fix."""


Row = tuple[str, str, datetime, float | None]  # timestamp as given, value as given, parsed


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


def read_rows(source: TextIO, name: str) -> list[Row]:
    """Rows of a ``timestamp,value`` CSV, checked: increasing, evenly spaced timestamps."""
    reader = csv.reader(source)
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header[:2]] != ["timestamp", "value"]:
        raise BacktestError(f"{name} line 1: the header must be timestamp,value (got {header})")
    rows: list[Row] = []
    for line, fields in enumerate(reader, start=2):
        if not fields or not "".join(fields).strip():
            continue
        if len(fields) < 2:
            raise BacktestError(f"{name} line {line}: expected timestamp,value")
        stamp, raw = fields[0].strip(), fields[1].strip()
        rows.append((fields[0], fields[1], _moment(stamp, name, line), _number(raw, name, line)))
        if len(rows) > 1 and rows[-1][2] <= rows[-2][2]:
            raise BacktestError(f"{name} line {line}: timestamps must increase ({stamp})")
    if not rows:
        raise BacktestError(f"{name}: no data rows")
    period_of(rows, name)
    return rows


def period_of(rows: list[Row], name: str) -> timedelta:
    """The series' period: the smallest step; every step must be a whole number of them."""
    steps = [b[2] - a[2] for a, b in pairwise(rows)]
    if not steps:
        return timedelta(minutes=5)
    period = min(steps)
    for index, step in enumerate(steps):
        if step % period:
            raise BacktestError(
                f"{name} line {index + 3}: timestamps are not evenly spaced "
                f"(step {step} is not a multiple of {period})"
            )
    return period


def run_backtest(rule: Rule, rows: list[Row], out: TextIO) -> int:
    """Write ``timestamp,value,firing,onset`` for every input row; returns alerts started."""
    series = [MetricPoint(timestamp=r[2], value=r[3]) for r in rows if r[3] is not None]
    states = {state.timestamp: state for state in backtest(rule, series)}
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["timestamp", "value", "firing", "onset"])
    firing, started = False, 0
    for stamp, raw, moment, _ in rows:
        state = states.get(moment)
        onset = bool(state and state.onset)
        firing = state.firing if state else firing  # a gap keeps the state
        started += onset
        writer.writerow([stamp, raw, int(firing), int(onset)])
    return started


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
