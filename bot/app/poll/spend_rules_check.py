"""Rolling budgets and cache waste as a poll check, judged on the usage roll-ups.

It runs after the budget check, which has read the new invocation logs into the roll-ups,
so it reads no logs itself: one range read of the last day or so of hourly roll-ups. Both
need invocation logging (who called, cache tokens); without it there is nothing to judge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal

from alarms import cache_waste, rolling
from alarms.model import Evaluation
from alarms.pricing import TokenCounts
from alarms.rolling import ROLLING, RollingBudget
from alarms.rollup import Rollup, hour_of, within
from alarms.rules import CacheWasteRule, Rule
from bot.adapters.prices import Pricer
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.rollups import RollupStore
from bot.app.poll.report import CycleReport

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class SpendRulesConfig:
    rolling: tuple[RollingBudget, ...]
    rules: tuple[Rule, ...]
    zone: tzinfo


class SpendRulesCheck:
    """A ``Check`` for the poller: rolling per-key budgets and cache waste."""

    name = "spend rules"

    def __init__(self, config: SpendRulesConfig, alerts: AlertStore, pricer: Pricer) -> None:
        self.config = config
        self.alerts = alerts
        self.rollups = RollupStore(alerts.store)
        self.pricer = pricer

    @property
    def waste_rules(self) -> list[CacheWasteRule]:
        return [r for r in self.config.rules if isinstance(r, CacheWasteRule)]

    def evaluate(self, now: datetime, report: CycleReport) -> list[Evaluation]:
        windows = [b.window_hours for b in self.config.rolling]
        windows += [r.window_hours for r in self.waste_rules]
        if not windows:
            return []
        start = hour_of(now) - timedelta(hours=max(windows))
        hours = self.rollups.hours(start, now + HOUR)
        active = self.alerts.active()
        held = [a.labels for a in active if a.rule == ROLLING]
        found = rolling.evaluate_rolling(self.config.rolling, hours, now, self.config.zone, held)
        wasting = [a.labels for a in active if a.rule == cache_waste.RULE]
        for rule in self.waste_rules:
            recent = within(hours, now - timedelta(hours=rule.window_hours), now + HOUR)
            found += cache_waste.evaluate(
                rule, recent, self._writes_price(now), _teams(hours), wasting, now
            )
        return found

    def _writes_price(self, now: datetime) -> cache_waste.PriceWrites:
        def price(model: str, tokens: int) -> Decimal | None:
            return self.pricer.price(model, TokenCounts(cache_write=tokens), now).usd

        return price


def _teams(hours: list[Rollup]) -> Callable[[str], str | None]:
    def team(principal: str) -> str | None:
        return rolling.team_of(principal, hours)

    return team
