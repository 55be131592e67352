"""Rolling budgets: any principal, team or tag value over an amount in the last 1 h or 24 h.

Unlike calendar budgets, a rolling budget has one alert per key (each principal, each team),
and it resolves once that key's spend in the window falls back under the amount. Roll-ups
are hourly, so the hour the window starts in is counted pro rata (spend is taken as even
within an hour); the hour in progress counts in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from fnmatch import fnmatchcase
from typing import Literal

from pydantic import Field, field_validator, model_validator

from alarms import places
from alarms.model import Evaluation, Frozen, Severity
from alarms.rollup import PAIR, Rollup, Tally, hour_of
from alarms.runout import runs_out_at

ROLLING = "budget_rolling"
HOUR = timedelta(hours=1)
TEAM_KEY = "team"
UNKNOWN = "(unknown)"  # roll-ups written before they carried their account


class RollingBudget(Frozen):
    """One ``[[rolling_budgets]]`` entry: every key of a kind over ``amount_usd`` per window."""

    name: str = ""
    per: Literal["principal", "team", "tag", "account"] = "principal"
    tag_key: str | None = Field(default=None, description="With per = 'tag': the tag's key.")
    amount_usd: Decimal = Field(gt=0)
    window_hours: int = Field(default=24, ge=1, le=24 * 7, description="1 or 24 usually.")
    keys: tuple[str, ...] = Field(default=("*",), description="Glob patterns of keys judged.")
    severity: Severity = Severity.WARNING
    accounts: tuple[str, ...] | None = Field(
        default=None, description="Account ids whose spend counts (default: every target's)."
    )
    regions: tuple[str, ...] | None = Field(
        default=None, description="Regions whose spend counts (default: every target's)."
    )

    _accounts = field_validator("accounts")(places.check_accounts)
    _regions = field_validator("regions")(places.check_regions)

    @model_validator(mode="after")
    def _tag_key(self) -> RollingBudget:
        if (self.per == "tag") != (self.tag_key is not None):
            raise ValueError("set tag_key (e.g. tag_key = 'app') exactly when per = 'tag'")
        return self

    @property
    def key_name(self) -> str:
        if self.per in ("team", "account"):
            return TEAM_KEY if self.per == "team" else "account"
        return self.tag_key or "principal"

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        kind = self.tag_key if self.per == "tag" else self.per
        return f"any {kind} over ${self.amount_usd:,.2f} per {self.window_hours} h"

    def table(self, rollup: Rollup) -> dict[str, Tally]:
        """Spend per key of this budget's kind in one roll-up (none outside its filters)."""
        if not places.covers(self.accounts, self.regions, rollup):
            return {}
        if self.per == "account":
            return {rollup.account or UNKNOWN: rollup.total}
        if self.per == "principal":
            return rollup.principals
        prefix = f"{self.key_name}="
        return {k[len(prefix) :]: t for k, t in rollup.tags.items() if k.startswith(prefix)}


def evaluate_rolling(
    budgets: Sequence[RollingBudget],
    hours: Sequence[Rollup],
    now: datetime,
    zone: tzinfo,
    firing: Sequence[dict[str, str]] = (),
) -> list[Evaluation]:
    """One evaluation per (budget, key) over the amount now, or firing before (to resolve)."""
    found: list[Evaluation] = []
    for budget in budgets:
        spent, recent = window_spend(budget, hours, now)
        held = {
            labels[budget.key_name]
            for labels in firing
            if labels.get("budget") == budget.label and budget.key_name in labels
        }
        for key in sorted(set(spent) | held):
            if not any(fnmatchcase(key, p) for p in budget.keys):
                continue
            usd = spent.get(key, Decimal(0))
            found.append(_judge(budget, key, usd, recent.get(key, Decimal(0)), hours, now, zone))
    return found


def window_spend(
    budget: RollingBudget, hours: Sequence[Rollup], now: datetime
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Per key: spend in the window, and spend in the last hour (the current rate)."""
    start = now - timedelta(hours=budget.window_hours)
    spent: dict[str, Decimal] = {}
    recent: dict[str, Decimal] = {}
    for rollup in hours:
        share = _share(rollup.hour, start, now)
        rate_share = _share(rollup.hour, now - HOUR, now)
        for key, tally in budget.table(rollup).items():
            if share:
                spent[key] = spent.get(key, Decimal(0)) + tally.usd * share
            if rate_share:
                recent[key] = recent.get(key, Decimal(0)) + tally.usd * rate_share
    return spent, recent


def _share(hour: datetime, start: datetime, now: datetime) -> Decimal:
    """How much of the roll-up of ``hour`` falls in [start, now]; the current hour counts
    in full (its spend so far is all before ``now``)."""
    if hour >= hour_of(now) and hour <= now:
        return Decimal(1)
    end = hour + HOUR
    if end <= start or hour > now:
        return Decimal(0)
    inside = (end - max(hour, start)).total_seconds()
    return Decimal(inside) / Decimal(3600)


def _judge(
    budget: RollingBudget,
    key: str,
    usd: Decimal,
    last_hour: Decimal,
    hours: Sequence[Rollup],
    now: datetime,
    zone: tzinfo,
) -> Evaluation:
    amount = budget.amount_usd
    labels = {"budget": budget.label, budget.key_name: key, "window": f"{budget.window_hours}h"}
    team = team_of(key, hours) if budget.per == "principal" else None
    if team:
        labels[TEAM_KEY] = team
    if budget.per == "tag":
        labels["tag"] = f"{budget.tag_key}={key}"
    over = usd >= amount
    runout = runs_out_at(now, amount - usd, last_hour, zone)
    what = f"{budget.per if budget.per != 'tag' else budget.tag_key} {key}"
    window = f"the last {budget.window_hours} h"
    summary = (
        f"{what} spent ${usd:,.2f} in {window}, over ${amount:,.2f}"
        if over
        else f"{what} is back under ${amount:,.2f} in {window} (${usd:,.2f})"
    )
    if over:
        summary += f"; spending ${last_hour:,.2f}/h now"
    elif runout:
        summary += f"; at the current rate it reaches the limit {runout.text}"
    details = {
        "metric": "rolling spend",
        "scope": what,
        "window": window,
        "amount_usd": f"{amount:.2f}",
        "spent_usd": f"{usd:.2f}",
        "rate_usd_per_hour": f"{last_hour:.2f}",
        **({"runs_out_at": runout.iso, "runs_out": runout.text} if runout else {}),
    }
    return Evaluation(
        rule=ROLLING,
        labels=labels,
        firing=over,
        severity=budget.severity,
        value=float(usd),
        threshold=float(amount),
        unit="USD",
        summary=summary,
        details=details,
        repeat_interval_minutes=budget.window_hours * 60,
    )


def team_of(principal: str, hours: Sequence[Rollup]) -> str | None:
    """The team tag under which ``principal`` spent most, for routing its alert."""
    teams: dict[str, Decimal] = {}
    prefix = f"{TEAM_KEY}="
    for rollup in hours:
        for pair, tally in rollup.tag_principal.items():
            tag, _, who = pair.partition(PAIR)
            if who == principal and tag.startswith(prefix):
                team = tag[len(prefix) :]
                teams[team] = teams.get(team, Decimal(0)) + tally.usd + tally.calls
    return max(teams, key=lambda t: teams[t]) if teams else None
