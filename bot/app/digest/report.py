"""The digest: one period of a route's world against the period before, from the roll-ups,
one batched CloudWatch read and the alert history in the state store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, tzinfo

from alarms.budgets import Budget
from alarms.digest import Digest, Mover
from alarms.rollup import Tally, hour_of
from alarms.route_scope import Scope, covered_hours, describe, scope_of
from alarms.route_table import RouteTable
from alarms.routing import Destination
from bot.adapters.store import StateStore
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.rollups import RollupStore
from bot.app.digest.alert_history import alert_figures
from bot.app.digest.metrics import MetricSource, read_metrics
from bot.app.spend.summary import UsageSummary, budget_status, summarize


def movers(now: dict[str, Tally], before: dict[str, Tally], kind: str, top: int) -> list[Mover]:
    """The ``top`` names of one kind with the largest spend change, largest first."""
    names = set(now) | set(before)
    found = [Mover(kind, n, now.get(n, Tally()).usd, before.get(n, Tally()).usd) for n in names]
    found.sort(key=lambda m: (abs(m.now_usd - m.before_usd), m.name), reverse=True)
    return [m for m in found if m.now_usd != m.before_usd][:top]


def route_usage(store: StateStore, scope: Scope, start: datetime, end: datetime) -> UsageSummary:
    """Usage over [start, end) within the route's scope (all of it for the default route)."""
    hours = covered_hours(RollupStore(store).hours(hour_of(start), end), scope)
    return summarize(hours, start, end, top=1000)


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
    tag_keys: Iterable[str] = (),
) -> Digest:
    """The digest of ``where`` for [end - period, end) against the period before it: spend
    and movers of the models, principals and tags the route's matchers cover."""
    start = end - period
    scope = scope_of(where.match, where.match_re, tag_keys)
    now = route_usage(store, scope, start, end)
    before = route_usage(store, scope, start - period, start)
    moved = (
        movers(dict(now.models), dict(before.models), "model", top)
        + movers(dict(now.principals), dict(before.principals), "principal", top)
        + movers(dict(now.tags), dict(before.tags), "tag", top)
    )
    covers = scope.checks.get("model", lambda model: True)
    models = sorted({m for m, _ in now.models} | set(metrics.models()))
    readings = read_metrics(metrics, models, start, end, covers)
    return Digest(
        route=where.name,
        start=start,
        end=end,
        spend_usd=now.usd,
        spend_before_usd=before.usd,
        budgets=budget_status(store, budgets, end, zone),
        movers=moved,
        models=readings.models,
        alerts=alert_figures(AlertStore(store).all(), routes, where, start, end),
        spend_by_model=[(m, t.usd) for m, t in now.models],
        spend_label=describe(scope),
        reasons=readings.reasons,
        guardrails=readings.guardrails,
    )
