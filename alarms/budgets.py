"""Budgets on Bedrock spend: thresholds, forecast and burn rate, evaluated from roll-ups.

Every budget alert is tied to its period (the period is part of its labels, hence of its
fingerprint), so each day or month starts clean. Within a period an alert that fired keeps
firing (spend never goes down), so it is announced once and never "resolves"; the poll check
retires last period's alerts without a notice.

A budget counts the spend of every watched account and region unless ``accounts`` or
``regions`` narrow it; a budget narrowed to one account (or region) carries it as a label,
so routes can send it to that account's team.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from fnmatch import fnmatchcase
from typing import Literal

from pydantic import Field, field_validator, model_validator

from alarms import places
from alarms.model import Evaluation, Frozen, Severity, fingerprint
from alarms.rollup import PAIR, Rollup, Tally, combined, hour_of, within
from alarms.runout import RunOut, moment, runs_out_at

THRESHOLD, FORECAST, BURN_RATE = "budget_threshold", "budget_forecast", "budget_burn_rate"
BUDGET_RULES = (THRESHOLD, FORECAST, BURN_RATE)
Period = Literal["daily", "monthly"]
HOUR = timedelta(hours=1)
METRIC_NAMES = {THRESHOLD: "spend", FORECAST: "forecast spend", BURN_RATE: "spend rate"}


class Budget(Frozen):
    """One ``[[budgets]]`` entry: an amount per day or month, over all spend or one slice."""

    name: str = ""
    period: Period = "daily"
    amount_usd: Decimal = Field(gt=0)
    model: str | None = Field(default=None, description="Glob on the base model id.")
    principal: str | None = None
    tag: dict[str, str] | None = Field(default=None, description='e.g. { team = "support" }')
    accounts: tuple[str, ...] | None = Field(
        default=None, description="Account ids whose spend counts (default: every target's)."
    )
    regions: tuple[str, ...] | None = Field(
        default=None, description="Regions whose spend counts (default: every target's)."
    )
    thresholds: tuple[int, ...] = (50, 80, 100)
    forecast: bool = True
    forecast_window_hours: int | None = Field(default=None, ge=1, le=24 * 14)
    burn_rate_horizon_hours: float | None = Field(default=6.0, gt=0)
    severity: Severity = Severity.WARNING

    @field_validator("thresholds")
    @classmethod
    def _percentages(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(t <= 0 or t > 1000 for t in value):
            raise ValueError("thresholds are percentages of the budget, 1 to 1000")
        return tuple(sorted(set(value)))

    _accounts = field_validator("accounts")(places.check_accounts)
    _regions = field_validator("regions")(places.check_regions)

    @model_validator(mode="after")
    def _one_scope(self) -> Budget:
        if sum(x is not None for x in (self.model, self.principal, self.tag)) > 1:
            raise ValueError("scope a budget to at most one of model, principal or tag")
        if self.tag is not None and len(self.tag) != 1:
            raise ValueError('tag takes exactly one key, e.g. tag = { team = "support" }')
        return self

    @property
    def scope(self) -> str:
        return self._slice + self.where

    @property
    def _slice(self) -> str:
        if self.model:
            return f"model {self.model}"
        if self.principal:
            return f"principal {self.principal}"
        if self.tag:
            return "tag " + ",".join(f"{k}={v}" for k, v in self.tag.items())
        return "all spend"

    @property
    def where(self) -> str:
        return places.where_text(self.accounts, self.regions)

    def covers(self, rollup: Rollup) -> bool:
        """Whether the roll-up's account and region are inside this budget."""
        return places.covers(self.accounts, self.regions, rollup)

    def place_labels(self) -> dict[str, str]:
        return places.place_labels(self.accounts, self.regions)

    @property
    def label(self) -> str:
        return self.name or f"{self.period} {self.scope}"

    @property
    def window(self) -> timedelta:
        hours = self.forecast_window_hours or (3 if self.period == "daily" else 24)
        return timedelta(hours=hours)

    def spend(self, rollup: Rollup) -> Tally:
        """The part of ``rollup`` this budget covers."""
        if self.model:
            return _sum(t for k, t in rollup.models.items() if fnmatchcase(k, self.model))
        if self.principal:
            return rollup.principals.get(self.principal, Tally())
        if self.tag:
            key = next(f"{k}={v}" for k, v in self.tag.items())
            return rollup.tags.get(key, Tally())
        return rollup.total


def period_bounds(period: Period, now: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """Start and end of the day or month containing ``now`` in ``zone`` (aware datetimes)."""
    local = now.astimezone(zone)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "monthly":
        start = start.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
    else:
        nxt = start + timedelta(days=1)
    end = nxt.replace(tzinfo=None).replace(tzinfo=zone)  # wall-clock midnight across DST
    return start.replace(tzinfo=None).replace(tzinfo=zone), end


def period_key(period: Period, now: datetime, zone: tzinfo) -> str:
    start, _ = period_bounds(period, now, zone)
    return start.strftime("%Y-%m") if period == "monthly" else start.strftime("%Y-%m-%d")


@dataclass(frozen=True)
class BudgetContext:
    now: datetime
    zone: tzinfo
    hours: Sequence[Rollup]  # hourly roll-ups covering at least the budget's period
    firing: frozenset[str] = frozenset()  # fingerprints of budget alerts firing now


def evaluate(budgets: Sequence[Budget], ctx: BudgetContext) -> list[Evaluation]:
    """Every budget alert that fires now (or fired earlier in the same period)."""
    found: list[Evaluation] = []
    for budget in budgets:
        found += _evaluate(budget, ctx)
    return found


@dataclass(frozen=True)
class _Period:
    budget: Budget
    ctx: BudgetContext
    start: datetime
    end: datetime
    hours: list[Rollup]  # this period's roll-ups so far
    spent: Decimal

    def labels(self, **extra: str) -> dict[str, str]:
        key = period_key(self.budget.period, self.ctx.now, self.ctx.zone)
        return {"budget": self.budget.label, "period": key, **self.budget.place_labels(), **extra}

    def spend_since(self, moment: datetime) -> tuple[list[Rollup], Decimal]:
        hours = within(self.ctx.hours, max(moment, hour_of(self.start)), self.ctx.now)
        return hours, _sum(self.budget.spend(r) for r in hours).usd


def _evaluate(budget: Budget, ctx: BudgetContext) -> list[Evaluation]:
    if budget.accounts is not None or budget.regions is not None:
        ctx = replace(ctx, hours=[r for r in ctx.hours if budget.covers(r)])
    start, end = period_bounds(budget.period, ctx.now, ctx.zone)
    hours = within(ctx.hours, hour_of(start), ctx.now)
    spent = _sum(budget.spend(r) for r in hours).usd
    period = _Period(budget, ctx, start, end, hours, spent)
    return [*_thresholds(period), *_forecast(period), *_burn_rate(period)]


def _thresholds(p: _Period) -> list[Evaluation]:
    """The highest threshold crossed, plus those already announced this period."""
    amount = p.budget.amount_usd
    crossed = [t for t in p.budget.thresholds if p.spent >= amount * t / 100]
    found = []
    for t in p.budget.thresholds:
        labels = p.labels(threshold=str(t))
        if (crossed and t == crossed[-1]) or _fired(THRESHOLD, labels, p.ctx):
            summary = (
                f"{_usd(p.spent)} spent, {_pct(p.spent, amount)} of {_usd(amount)} "
                f"({p.budget.period}), crossed {t}%"
            )
            found.append(
                _alert(
                    p,
                    THRESHOLD,
                    labels,
                    p.spent,
                    amount * t / 100,
                    p.hours,
                    summary,
                    critical=t >= 100,
                )
            )
    return found


def _forecast(p: _Period) -> list[Evaluation]:
    """Period-to-date spend plus the recent rate until the period ends, over the budget."""
    amount, labels = p.budget.amount_usd, p.labels()
    if not p.budget.forecast or (p.spent >= amount and not _fired(FORECAST, labels, p.ctx)):
        return []
    rate_start = hour_of(p.ctx.now) - p.budget.window + HOUR
    _, recent = p.spend_since(rate_start)
    since = max(rate_start, hour_of(p.start))
    rate = _per_second(recent, p.ctx.now - since)
    projected = p.spent + rate * Decimal((p.end - p.ctx.now).total_seconds())
    enough = p.ctx.now - p.start >= p.budget.window
    if not ((enough and projected > amount) or _fired(FORECAST, labels, p.ctx)):
        return []
    summary = (
        f"on course for {_usd(projected)} by the end of the period, over {_usd(amount)} "
        f"({_usd(p.spent)} spent so far)"
    )
    runout = runs_out_at(p.ctx.now, amount - p.spent, rate * 3600, p.ctx.zone)
    summary += _runout_text(runout, p.end)
    return [
        _alert(
            p, FORECAST, labels, projected, amount, p.hours, summary, runout, (rate * 3600, since)
        )
    ]


def _burn_rate(p: _Period) -> list[Evaluation]:
    """The last hour's rate would spend what is left within the horizon."""
    if not p.budget.burn_rate_horizon_hours:
        return []
    labels = p.labels()
    horizon = Decimal(p.budget.burn_rate_horizon_hours)
    burn_start = max(hour_of(p.ctx.now) - HOUR, hour_of(p.start))
    burning, burnt = p.spend_since(burn_start)
    hourly = _per_second(burnt, p.ctx.now - burn_start) * 3600
    left = p.budget.amount_usd - p.spent
    exhausts = hourly > 0 and left > 0 and left / hourly <= horizon
    if not (exhausts or _fired(BURN_RATE, labels, p.ctx)):
        return []
    summary = (
        f"spending {_usd(hourly)}/h: the {_usd(left)} left of {_usd(p.budget.amount_usd)} "
        f"runs out within {horizon:g} h"
    )
    runout = runs_out_at(p.ctx.now, left, hourly, p.ctx.zone)
    summary += _runout_text(runout, p.end)
    limit = max(left, Decimal(0)) / horizon
    return [
        _alert(p, BURN_RATE, labels, hourly, limit, burning, summary, runout, (hourly, burn_start))
    ]


def _runout_text(runout: RunOut | None, end: datetime) -> str:
    """`` (at 14:20 UTC at this rate)`` when the money runs out before the period ends."""
    if runout is None or runout.at >= end:
        return ""
    return f" ({runout.text} at this rate)"


def _alert(
    p: _Period,
    rule: str,
    labels: dict[str, str],
    value: Decimal,
    threshold: Decimal,
    spenders: Sequence[Rollup],
    summary: str,
    runout: RunOut | None = None,
    rate: tuple[Decimal, datetime] | None = None,
    critical: bool = False,
) -> Evaluation:
    """A budget alert; ``rate`` is the USD per hour a projection used and since when it was
    measured (so two projections firing together can be told apart)."""
    budget = p.budget
    top = top_spenders(budget, spenders)
    measured = {}
    if rate is not None:
        per_hour, since = rate
        measured = {
            "rate_usd_per_hour": f"{per_hour:.2f}",
            "rate_since": moment(since, p.ctx.now, p.ctx.zone).text.removeprefix("at "),
        }
    details = {
        "metric": METRIC_NAMES[rule],
        "budget": f"{_usd(budget.amount_usd)} {budget.period}, {budget.scope}",
        "period": f"{p.start.isoformat()} to {p.end.isoformat()}",
        "period_start": p.start.isoformat(),
        "period_end": p.end.isoformat(),
        "period_kind": budget.period,
        "scope": budget.scope,
        "amount_usd": f"{budget.amount_usd:.2f}",
        "spent_usd": f"{p.spent:.2f}",
        "left_usd": f"{budget.amount_usd - p.spent:.2f}",
        **({"horizon_hours": f"{budget.burn_rate_horizon_hours:g}"} if rule == BURN_RATE else {}),
        **({"runs_out_at": runout.iso, "runs_out": runout.text} if runout else {}),
        **measured,
        **top,
        "top_contributors": "\n".join(f"{k.removeprefix('top ')}: {v}" for k, v in top.items()),
    }
    lead = [top[k].split(", ")[0] for k in ("top principals", "top models") if k in top]
    return Evaluation(
        rule=rule,
        labels=labels,
        firing=True,
        severity=Severity.CRITICAL if critical else budget.severity,
        value=float(value),
        threshold=float(threshold),
        unit="USD/h" if rule == BURN_RATE else "USD",
        summary=summary + (f"; top: {', '.join(lead)}" if lead else ""),
        details=details,
        repeat_interval_minutes=int((p.end - p.start).total_seconds() // 60) * 2,
    )


def top_spenders(budget: Budget, rollups: Sequence[Rollup], n: int = 3) -> dict[str, str]:
    """The biggest models, principals and tags behind a budget's spend, with shares."""
    merged = combined(rollups, rollups[0].hour) if rollups else None
    if merged is None:
        return {}
    scoped = _scoped(budget, merged)
    total = budget.spend(merged).usd
    found: dict[str, str] = {}
    for name, table in (
        ("models", scoped.models),
        ("principals", scoped.principals),
        ("tags", scoped.tags),
    ):
        ranked = sorted(table.items(), key=lambda kv: kv[1].usd, reverse=True)
        shown = [f"{k} {_usd(t.usd)} ({_pct(t.usd, total)})" for k, t in ranked[:n] if t.usd > 0]
        if shown:
            found[f"top {name}"] = ", ".join(shown)
    return found


def _scoped(budget: Budget, merged: Rollup) -> Rollup:
    """The models, principals and tags inside the budget's own slice of spend."""
    if budget.model:
        glob = budget.model
        return Rollup(
            hour=merged.hour,
            models={k: t for k, t in merged.models.items() if fnmatchcase(k, glob)},
            principals=_regroup(merged.model_principal, lambda a: fnmatchcase(a, glob), 1),
            tags=_regroup(merged.tag_model, lambda b: fnmatchcase(b, glob), 0),
        )
    if budget.principal:
        who = budget.principal
        return Rollup(
            hour=merged.hour,
            principals={k: t for k, t in merged.principals.items() if k == who},
            models=_regroup(merged.model_principal, lambda b: b == who, 0),
            tags=_regroup(merged.tag_principal, lambda b: b == who, 0),
        )
    if budget.tag:
        tag = next(f"{k}={v}" for k, v in budget.tag.items())
        return Rollup(
            hour=merged.hour,
            tags={k: t for k, t in merged.tags.items() if k == tag},
            models=_regroup(merged.tag_model, lambda a: a == tag, 1),
            principals=_regroup(merged.tag_principal, lambda a: a == tag, 1),
        )
    return merged


def _regroup(pairs: dict[str, Tally], keep: Callable[[str], bool], show: int) -> dict[str, Tally]:
    """Sum the cross slices whose other half passes ``keep``, keyed by half ``show``."""
    grouped: dict[str, Tally] = {}
    for key, tally in pairs.items():
        halves = key.split(PAIR, 1)
        if len(halves) != 2:
            continue
        if keep(halves[1 - show]):
            grouped.setdefault(halves[show], Tally()).merge(tally)
    return grouped


def _fired(rule: str, labels: dict[str, str], ctx: BudgetContext) -> bool:
    return fingerprint(rule, labels) in ctx.firing


def _sum(tallies: Iterable[Tally]) -> Tally:
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total


def _per_second(usd: Decimal, span: timedelta) -> Decimal:
    seconds = Decimal(max(span.total_seconds(), 60.0))
    return usd / seconds


def _usd(value: Decimal | float) -> str:
    return f"${Decimal(value):,.2f}"


def _pct(part: Decimal, whole: Decimal) -> str:
    return f"{(part / whole * 100):.0f}%" if whole else "n/a"
