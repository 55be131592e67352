"""Labelled synthetic latency scenarios, and how well a rule detects their incidents.

Each scenario is two days of 5-minute periods (the first day warms the baseline) with a
known truth: the incident windows a person would want to hear about, or none. Scoring
replays the series through the same pure functions the poller uses and reports precision
(alerts that point at a real incident), recall (incidents alerted on) and detection delay
(alert onset minus incident start).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import median

from alarms import latency
from alarms.model import MetricPoint
from alarms.periods import replay
from alarms.rules import LatencySpikeRule

START = datetime(2026, 11, 1, tzinfo=UTC)
PERIOD = timedelta(minutes=5)
DAY = 288  # periods
GRACE = 6  # periods after an incident in which an onset still counts as detecting it


@dataclass
class Scenario:
    name: str
    latency: list[float]
    calls: list[float]
    incidents: list[tuple[int, int]] = field(default_factory=list)  # [start, end) periods


def shape(i: int) -> float:
    """Daily traffic curve: quiet at night, a peak in the afternoon."""
    hour = (i % DAY) * 24 / DAY
    return 0.25 + 0.75 * max(0.0, math.sin(math.pi * (hour - 6) / 16)) ** 1.5


def _base(rng: random.Random, jitter: float, peak: float = 200, seasonal: float = 0.2) -> Scenario:
    n = 2 * DAY
    calls = [max(0.0, round(peak * shape(i) * rng.uniform(0.85, 1.15))) for i in range(n)]
    lat = [
        1200 * (1 + seasonal * (shape(i) - 0.5)) * max(0.3, rng.gauss(1, jitter)) for i in range(n)
    ]
    return Scenario("", lat, calls)


def seasonal(rng: random.Random) -> Scenario:
    return _base(rng, 0.05, seasonal=0.4)


def noisy(rng: random.Random) -> Scenario:
    return _base(rng, 0.15)


def step_incident(rng: random.Random) -> Scenario:
    s = _base(rng, 0.08)
    start = DAY + rng.randrange(0, DAY - 24)
    length = rng.randrange(6, 24)  # 30 min to 2 h
    factor = rng.uniform(1.8, 3.0)
    for i in range(start, start + length):
        s.latency[i] *= factor
    s.incidents.append((start, start + length))
    return s


def mild_incident(rng: random.Random) -> Scenario:
    """A 1.4x-1.9x slowdown for 1-2 h: near the default 50% margin, so some are missed."""
    s = _base(rng, 0.08)
    start = DAY + rng.randrange(0, DAY - 24)
    factor = rng.uniform(1.4, 1.9)
    for i in range(start, start + rng.randrange(12, 24)):
        s.latency[i] *= factor
    s.incidents.append((start, start + 12))
    return s


def noisy_incident(rng: random.Random) -> Scenario:
    s = _base(rng, 0.15)
    start = DAY + rng.randrange(0, DAY - 24)
    for i in range(start, start + 12):
        s.latency[i] *= 2.5
    s.incidents.append((start, start + 12))
    return s


def step_shift(rng: random.Random) -> Scenario:
    """A lasting regression (e.g. a slower model version): alert once, keep firing."""
    s = _base(rng, 0.08)
    start = DAY + rng.randrange(0, DAY // 2)
    for i in range(start, len(s.latency)):
        s.latency[i] *= 2.0
    s.incidents.append((start, len(s.latency)))
    return s


def outliers(rng: random.Random) -> Scenario:
    """Eight isolated slow periods (at least 7 periods apart): noise, not an incident."""
    s = _base(rng, 0.08)
    for slot in rng.sample(range(DAY // 12), 8):
        s.latency[DAY + 12 * slot + rng.randrange(6)] *= rng.uniform(3, 6)
    return s


def drift(rng: random.Random) -> Scenario:
    """Latency creeping up 40% over a day: a capacity trend, not a page."""
    s = _base(rng, 0.06)
    for i in range(DAY, 2 * DAY):
        s.latency[i] *= 1 + 0.4 * (i - DAY) / DAY
    return s


def low_traffic(rng: random.Random) -> Scenario:
    """A few calls per period: wild latency from single slow calls, no verdict possible."""
    s = _base(rng, 0.5, peak=12)
    return s


def spike_at_night(rng: random.Random) -> Scenario:
    s = _base(rng, 0.08, peak=400)
    start = DAY + rng.randrange(0, 60)  # 00:00-05:00, traffic at its lowest
    for i in range(start, start + 12):
        s.latency[i] *= 2.5
    s.incidents.append((start, start + 12))
    return s


SCENARIOS: dict[str, Callable[[random.Random], Scenario]] = {
    "daily seasonality": seasonal,
    "noise": noisy,
    "step change (incident)": step_incident,
    "mild slowdown (incident)": mild_incident,
    "noise + incident": noisy_incident,
    "lasting regression": step_shift,
    "single outliers": outliers,
    "gradual drift": drift,
    "low traffic": low_traffic,
    "spike at night": spike_at_night,
}


@dataclass
class Score:
    alerts: int = 0
    true_alerts: int = 0
    incidents: int = 0
    detected: int = 0
    delays: list[float] = field(default_factory=list)  # minutes

    @property
    def precision(self) -> float:
        return self.true_alerts / self.alerts if self.alerts else 1.0

    @property
    def recall(self) -> float:
        return self.detected / self.incidents if self.incidents else 1.0

    def add(self, other: Score) -> None:
        self.alerts += other.alerts
        self.true_alerts += other.true_alerts
        self.incidents += other.incidents
        self.detected += other.detected
        self.delays += other.delays


def score(rule: LatencySpikeRule, scenario: Scenario) -> Score:
    """Replay ``scenario`` through ``rule`` as the poller would, and compare with the truth."""
    points = [
        MetricPoint(timestamp=START + PERIOD * i, value=v) for i, v in enumerate(scenario.latency)
    ]
    calls = {START + PERIOD * i: c for i, c in enumerate(scenario.calls)}
    states = replay(latency.verdicts(rule, points, calls), rule)
    onsets = [int((s.timestamp - START) / PERIOD) for s in states if s.onset]
    result = Score(alerts=len(onsets), incidents=len(scenario.incidents))
    for start, end in scenario.incidents:
        hits = [o for o in onsets if start <= o < end + GRACE]
        if hits:
            result.detected += 1
            result.delays.append((hits[0] - start) * PERIOD.total_seconds() / 60)
    result.true_alerts = sum(
        any(start <= o < end + GRACE for start, end in scenario.incidents) for o in onsets
    )
    return result


def evaluate_rule(rule: LatencySpikeRule, runs: int = 5) -> tuple[dict[str, Score], Score]:
    """Scores per scenario (``runs`` random variants each) and overall."""
    per: dict[str, Score] = {}
    overall = Score()
    for name, make in SCENARIOS.items():
        per[name] = Score()
        for seed in range(runs):
            per[name].add(score(rule, make(random.Random(f"{name}/{seed}"))))
        overall.add(per[name])
    return per, overall


def report(per: dict[str, Score], overall: Score) -> str:
    lines = [
        "scenario                   alerts  incidents  detected  precision  recall  delay(min)"
    ]
    for name, s in [*per.items(), ("all", overall)]:
        delay = f"{median(s.delays):.0f}" if s.delays else "-"
        lines.append(
            f"{name:<26} {s.alerts:>6}  {s.incidents:>9}  {s.detected:>8}  "
            f"{s.precision:>9.2f}  {s.recall:>6.2f}  {delay:>10}"
        )
    return "\n".join(lines)
