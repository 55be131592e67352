"""Reports as plain data: budget status and what ``/genai-stats`` shows.

Gathered by the use cases, drawn by the Slack views and the chart; no I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from alarms.budgets import Budget
from alarms.feedback import FeedbackTotals


@dataclass(frozen=True)
class BudgetStatus:
    budget: Budget
    period_start: datetime
    spent: Decimal

    @property
    def share(self) -> Decimal:
        """Spent as a fraction of the amount (0.61 = 61%)."""
        return self.spent / self.budget.amount_usd


@dataclass
class ModelStats:
    model: str
    invocations: float = 0.0
    latency_ms: float | None = None  # the configured statistic over the whole window
    errors: float = 0.0  # client + server
    throttles: float = 0.0
    input_tokens: float = 0.0
    output_tokens: float = 0.0
    usd: Decimal | None = None  # None: no price, or no usage data
    unpriced: bool = False
    feedback: FeedbackTotals | None = None
    reasons: dict[str, int] = field(default_factory=dict)  # why votes went down, net
    alerts: int = 0
    latency_threshold_ms: float | None = None  # the latency rule's line, when it alerted
    alert_windows: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    latency_series: list[tuple[datetime, float]] = field(default_factory=list)
    cost_series: list[tuple[datetime, float]] = field(default_factory=list)

    @property
    def error_rate(self) -> float | None:
        attempts = self.invocations
        return self.errors / attempts if attempts else None

    @property
    def throttle_rate(self) -> float | None:
        attempts = self.invocations + self.throttles  # throttled calls are not invocations
        return self.throttles / attempts if attempts else None


@dataclass
class StatsReport:
    label: str  # "last 24 h"
    start: datetime
    end: datetime
    statistic: str
    models: list[ModelStats]
    previous_invocations: float | None = None
    spend: Decimal | None = None
    cost_source: str = ""  # where spend comes from, or why there is none
    budgets: list[BudgetStatus] = field(default_factory=list)
    guardrail_checks: float = 0.0
    guardrail_interventions: float = 0.0
    alerts_firing: int = 0
    alerts_held: int = 0  # silenced or inhibited
    polling: str | None = None  # the bot's own CloudWatch cost
    model_filter: str | None = None
    place_filter: str | None = None  # "account prod, us-west-2" when narrowed
    unread: list[str] = field(default_factory=list)  # target regions that failed, one line each
    spend_by: list[tuple[str, Decimal]] = field(default_factory=list)  # per account or region

    @property
    def invocations(self) -> float:
        return sum(model.invocations for model in self.models)

    @property
    def reasons(self) -> dict[str, int]:
        """Why answers were voted down, over every model (net counts above zero)."""
        found: dict[str, int] = {}
        for model in self.models:
            for reason, n in model.reasons.items():
                found[reason] = found.get(reason, 0) + n
        return {r: n for r, n in sorted(found.items(), key=lambda kv: -kv[1]) if n > 0}

    @property
    def feedback(self) -> FeedbackTotals | None:
        found = [m.feedback for m in self.models if m.feedback is not None]
        if not found:
            return None
        return FeedbackTotals(sum(f.positive for f in found), sum(f.negative for f in found))
