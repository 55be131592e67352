"""What a digest tells: figures of one period against the one before (report data, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from alarms.reports import BudgetStatus


@dataclass(frozen=True)
class ModelFigures:
    model: str
    calls: float
    latency_ms: float | None
    latency_last_week_ms: float | None
    error_rate: float | None  # client and server errors per call
    throttle_rate: float | None  # throttled per attempt (throttles are not invocations)
    positive: float = 0.0
    negative: float = 0.0


@dataclass(frozen=True)
class AlertFigures:
    fired: int = 0
    acknowledged: int = 0
    resolved: int = 0
    time_to_acknowledge: timedelta | None = None  # mean, over the acknowledged ones
    time_to_resolve: timedelta | None = None  # mean, over the resolved ones


@dataclass(frozen=True)
class Mover:
    """One model, principal or tag whose spend moved most between the two periods."""

    kind: str  # model, principal, tag
    name: str
    now_usd: Decimal
    before_usd: Decimal


@dataclass(frozen=True)
class Digest:
    route: str
    start: datetime
    end: datetime
    spend_usd: Decimal
    spend_before_usd: Decimal
    budgets: list[BudgetStatus]
    movers: list[Mover]
    models: list[ModelFigures]
    alerts: AlertFigures
    spend_by_model: list[tuple[str, Decimal]] = field(default_factory=list)
    spend_label: str = "spend"  # "spend of what this route covers (team=search)" on a route
    reasons: dict[str, int] = field(default_factory=dict)  # 👎 reason -> net votes
    guardrails: dict[str, float] = field(default_factory=dict)  # policy -> interventions
