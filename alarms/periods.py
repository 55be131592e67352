"""Turning per-period verdicts into alert state: M of N to fire, K calm to resolve."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from alarms.rules import MOfN


class Verdict(StrEnum):
    BREACH = "breach"
    OK = "ok"
    MISSING = "missing"  # no data, or too little traffic to judge


@dataclass(frozen=True, slots=True)
class PeriodVerdict:
    timestamp: datetime
    verdict: Verdict
    value: float | None = None
    threshold: float | None = None
    baseline: float | None = None
    usual: str = ""  # what the baseline means here, e.g. "usual for Monday 14:00"
    note: str = ""  # anything else the rule wants said, e.g. an accepted level shift
    drop: bool = False  # a breach below usual rather than above it
    severe: bool = False  # a breach so far beyond the margin that it fires on its own


@dataclass(frozen=True, slots=True)
class PeriodState:
    timestamp: datetime
    firing: bool
    onset: bool
    since: datetime | None


def replay(verdicts: Iterable[PeriodVerdict], policy: MOfN) -> list[PeriodState]:
    """Walk the verdicts in time order and report, per period, whether the alert fires.

    A severe breach fires at once. Missing periods neither breach nor calm: they are
    skipped, so a gap in traffic can neither raise nor clear an alert.
    """
    recent: deque[bool] = deque(maxlen=policy.eval_periods)
    firing = False
    since: datetime | None = None
    calm_run = 0
    states: list[PeriodState] = []
    for item in verdicts:
        onset = False
        if item.verdict is not Verdict.MISSING:
            breached = item.verdict is Verdict.BREACH
            recent.append(breached)
            calm_run = 0 if breached else calm_run + 1
            enough = sum(recent) >= policy.breach_periods or (breached and item.severe)
            if not firing and enough:
                firing, onset, since = True, True, item.timestamp
            elif firing and calm_run >= policy.resolve_periods:
                firing, since = False, None
                recent.clear()
        states.append(PeriodState(item.timestamp, firing, onset, since))
    return states
