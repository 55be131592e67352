"""Alerts fired, acknowledged and resolved in a period, and how long each took."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from alarms.digest import AlertFigures
from alarms.model import Alert
from alarms.route_table import RouteTable
from alarms.routing import Destination


def _mean(spans: list[timedelta]) -> timedelta | None:
    return sum(spans, timedelta()) / len(spans) if spans else None


def alert_figures(
    alerts: Sequence[Alert], routes: RouteTable, where: Destination, start: datetime, end: datetime
) -> AlertFigures:
    """Figures of the alerts routed to ``where`` that fired in [start, end)."""
    mine = [
        a for a in alerts if start <= a.started_at < end and routes.primary(a).name == where.name
    ]
    acked = [a.acknowledged_at - a.started_at for a in mine if a.acknowledged_at]
    resolved = [a.resolved_at - a.started_at for a in mine if a.resolved_at and a.resolved_at < end]
    return AlertFigures(len(mine), len(acked), len(resolved), _mean(acked), _mean(resolved))
