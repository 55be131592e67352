"""Budgets as a poll check: read new invocation logs, then judge every budget.

Each cycle: (1) read the invocation logs each target region wrote since its cursor into the
hourly roll-ups (on first start, from the start of the longest budget period, bounded by a
setting); (2) load the roll-ups of the longest period, every target's; (3) evaluate
thresholds, forecasts and burn rates, plus one alert per model that cannot be priced. A
target without invocation logging counts with an estimate from its CloudWatch token metrics
instead, and every alert then says so. A target that cannot be read is named in the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from alarms import budgets
from alarms.budgets import BUDGET_RULES, Budget, BudgetContext, period_bounds, period_key
from alarms.model import AlertState, Evaluation, Severity
from alarms.pricing import TokenCounts
from alarms.rollup import Rollup, hour_of, within
from bot.adapters.prices import Pricer
from bot.adapters.store import Conflict
from bot.adapters.store.alerts import AlertStore
from bot.app.poll.report import CycleReport
from bot.app.spend.summary import ESTIMATE
from bot.app.spend.targets import UsageTarget
from bot.app.spend.usage_hours import TargetUsage

UNPRICED = "unpriced_model"
UNPRICED_WINDOW = timedelta(hours=24)
HOURLY_FOR = timedelta(hours=48)  # older roll-ups are merged per day to keep memory small


@dataclass(frozen=True)
class BudgetConfig:
    budgets: tuple[Budget, ...]
    zone: tzinfo
    backfill_max: timedelta
    pull: bool = True  # False when a subscription filter pushes the logs (usage_source=push)
    parallel: int = 4  # target regions read at once


class BudgetCheck:
    """Reads usage and evaluates budgets; a ``Check`` for the poller."""

    name = "budgets"

    def __init__(
        self,
        config: BudgetConfig,
        alerts: AlertStore,
        pricer: Pricer,
        targets: Sequence[UsageTarget],
    ) -> None:
        self.config = config
        self.alerts = alerts
        self.pricer = pricer
        self.usage = TargetUsage(alerts.store, targets, pull=config.pull, parallel=config.parallel)
        self._estimated = False

    def earliest_start(self, now: datetime) -> datetime:
        """Start of the longest budget period in force, and at least the last day (what
        ``spend`` and ``/genai-stats`` show, also just after a period began), bounded."""
        starts = [period_bounds(b.period, now, self.config.zone)[0] for b in self.config.budgets]
        start = min([*starts, hour_of(now) - timedelta(hours=24)])
        return max(start, now - self.config.backfill_max)

    def hours(self, now: datetime, report: CycleReport | None = None) -> tuple[list[Rollup], bool]:
        """The roll-ups budgets need (reading new logs first); True when all are estimated."""
        start = self.earliest_start(now)
        windows = [b.window for b in self.config.budgets if b.forecast] + [HOURLY_FOR]
        usage = self.usage.hours(
            start,
            now,
            load_from=min(hour_of(start), hour_of(now) - UNPRICED_WINDOW),
            hourly_since=hour_of(now) - max(windows) - timedelta(hours=1),
            estimate=bool(self.config.budgets),
        )
        if report is not None:
            report.failures += [f"{self.name}: {line}" for line in usage.failures]
        self._estimated = usage.estimated
        return usage.rollups, not usage.logged

    def evaluate(self, now: datetime, report: CycleReport) -> list[Evaluation]:
        hours, unlogged = self.hours(now, report)
        self._retire_past_periods(now)
        active = [a for a in self.alerts.active() if a.rule in (*BUDGET_RULES, UNPRICED)]
        firing = frozenset(a.fingerprint for a in active if a.rule in BUDGET_RULES)
        usable = [b for b in self.config.budgets if not unlogged or not (b.principal or b.tag)]
        found = budgets.evaluate(usable, BudgetContext(now, self.config.zone, hours, firing))
        if self._estimated:
            found = [_mark_estimate(e) for e in found]
        return found + self._unpriced(
            hours, now, {a.labels.get("model", "") for a in active if a.rule == UNPRICED}
        )

    def _unpriced(self, hours: list[Rollup], now: datetime, open_: set[str]) -> list[Evaluation]:
        recent = within(hours, hour_of(now - UNPRICED_WINDOW), now + timedelta(hours=1))
        calls: dict[str, int] = {}
        for rollup in recent:
            for model, tally in rollup.models.items():
                if tally.unpriced_calls:
                    calls[model] = calls.get(model, 0) + tally.unpriced_calls
        found = []
        for model in sorted(calls.keys() | open_):
            count = calls.get(model, 0)
            reason = self.pricer.price(model, TokenCounts(), now).reason
            found.append(
                Evaluation(
                    rule=UNPRICED,
                    labels={"model": model},
                    firing=count > 0,
                    severity=Severity.WARNING,
                    value=float(count),
                    unit="calls",
                    summary=f"{count:,} call(s) to {model} in the last 24 h cannot be priced, "
                    f"so budgets do not count them. {reason}"
                    if count
                    else f"{model} has had no unpriced calls for 24 h",
                    details={"how to fix": reason} if reason else {},
                    repeat_interval_minutes=60 * 24 * 30,
                )
            )
        return found

    def _retire_past_periods(self, now: datetime) -> None:
        """Close budget alerts of periods that ended, without a notice: a new period starts
        clean and the old alert said everything there was to say."""
        current = {
            b.label: period_key(b.period, now, self.config.zone) for b in self.config.budgets
        }
        for alert in self.alerts.active():
            if alert.rule not in BUDGET_RULES:
                continue
            if current.get(alert.labels.get("budget", "")) == alert.labels.get("period"):
                continue
            _, version = self.alerts.get(alert.fingerprint)
            closed = alert.model_copy(
                update={"state": AlertState.RESOLVED, "resolved_at": now, "updated_at": now}
            )
            try:
                self.alerts.save(closed, expected_version=version)
            except Conflict:
                continue  # someone else changed it; the next cycle looks again


def _mark_estimate(evaluation: Evaluation) -> Evaluation:
    return evaluation.model_copy(
        update={
            "summary": evaluation.summary + f" ({ESTIMATE})",
            "details": {**evaluation.details, "source": ESTIMATE},
        }
    )
