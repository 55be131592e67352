"""Domain model: metric series, alerts and their lifecycle states."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    """Base for immutable domain values."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class AlertState(StrEnum):
    PENDING = "pending"
    FIRING = "firing"
    RESOLVED = "resolved"


class MetricPoint(Frozen):
    """One aggregated period of a metric; ``timestamp`` is the period start (UTC)."""

    timestamp: datetime
    value: float


class SeriesKey(Frozen):
    """Identifies one CloudWatch series: metric, dimensions and statistic."""

    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str

    def dimension(self, name: str) -> str | None:
        return next((value for key, value in self.dimensions if key == name), None)


class MetricSeries(Frozen):
    key: SeriesKey
    points: tuple[MetricPoint, ...] = ()

    def by_time(self) -> dict[datetime, float]:
        return {point.timestamp: point.value for point in self.points}


def fingerprint(rule: str, labels: dict[str, str]) -> str:
    """A stable identity for an alert: the rule kind plus its sorted labels."""
    canonical = rule + "\x1f" + "\x1f".join(f"{k}={labels[k]}" for k in sorted(labels))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class Evaluation(Frozen):
    """What a rule concluded about one subject (e.g. one model) over the data it saw."""

    rule: str
    labels: dict[str, str]
    firing: bool
    severity: Severity = Severity.WARNING
    value: float | None = None
    threshold: float | None = None
    baseline: float | None = None
    unit: str = ""
    onset: datetime | None = None
    period_end: datetime | None = None
    summary: str = ""
    details: dict[str, str] = Field(default_factory=dict)
    # Notification policy of the rule that produced this; None takes the lifecycle default.
    repeat_interval_minutes: int | None = None
    refire_cooldown_minutes: int | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.rule, self.labels)


class Alert(Frozen):
    """The stored state of one alert (one rule on one subject)."""

    fingerprint: str
    rule: str
    labels: dict[str, str]
    state: AlertState
    severity: Severity
    value: float | None = None
    peak: float | None = None  # the worst value of this episode (the highest)
    threshold: float | None = None
    baseline: float | None = None
    unit: str = ""
    summary: str = ""
    details: dict[str, str] = Field(default_factory=dict)
    started_at: datetime
    updated_at: datetime  # last judged on data (polls), not moved by button clicks
    resolved_at: datetime | None = None
    last_notified_at: datetime | None = None
    notifications: int = 0
    # Lifecycle extras (alert engine): acknowledgement, muting and flap damping.
    announced: bool = False  # the firing notice of this episode went out
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    silenced_by: str | None = None  # id of the silence muting it now
    inhibited_by: str | None = None  # fingerprint of the firing alert holding it back
    quiet_until: datetime | None = None  # re-fires before this are not announced (flapping)

    @property
    def muted(self) -> bool:
        """Firing but held back from notices by a silence or an inhibiting alert."""
        return self.silenced_by is not None or self.inhibited_by is not None
