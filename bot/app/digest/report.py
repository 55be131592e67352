"""The digest: one period of a route's world against the period before, from the roll-ups,
one batched CloudWatch read and the alert history in the state store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from alarms.budgets import Budget
from alarms.digest import Digest, Mover
from alarms.rollup import Tally
from alarms.route_table import RouteTable
from alarms.routing import Destination
from bot.adapters.store import StateStore
from bot.adapters.store.alerts import AlertStore
from bot.app.digest.alert_history import alert_figures
from bot.app.digest.metrics import MetricSource, model_figures
from bot.app.spend.summary import budget_status, usage_summary


def movers(now: dict[str, Tally], before: dict[str, Tally], kind: str, top: int) -> list[Mover]:
    """The ``top`` names of one kind with the largest spend change, largest first."""
    names = set(now) | set(before)
    found = [Mover(kind, n, now.get(n, Tally()).usd, before.get(n, Tally()).usd) for n in names]
    found.sort(key=lambda m: (abs(m.now_usd - m.before_usd), m.name), reverse=True)
    return [m for m in found if m.now_usd != m.before_usd][:top]


def build_digest(
    store: StateStore,
    metrics: MetricSource,
    routes: RouteTable,
    where: Destination,
    period: timedelta,
    end: datetime,
    *,
    budgets: Sequence[Budget] = (),
    zone: tzinfo,
    top: int = 3,
) -> Digest:
    """The digest of ``where`` for [end - period, end) against the period before it."""
    start = end - period
    now = usage_summary(store, start, end, top=1000)
    before = usage_summary(store, start - period, start, top=1000)
    moved = (
        movers(dict(now.models), dict(before.models), "model", top)
        + movers(dict(now.principals), dict(before.principals), "principal", top)
        + movers(dict(now.tags), dict(before.tags), "tag", top)
    )
    models = sorted({m for m, _ in now.models} | set(metrics.models()))
    return Digest(
        route=where.name,
        start=start,
        end=end,
        spend_usd=now.usd,
        spend_before_usd=before.usd,
        budgets=budget_status(store, budgets, end, zone),
        movers=moved,
        models=model_figures(metrics, models, start, end),
        alerts=alert_figures(AlertStore(store).all(), routes, where, start, end),
        spend_by_model=[(m, t.usd) for m, t in now.models],
    )
