"""A route tree with its named time intervals: the one object delivery asks "where, and now?"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from alarms.model import Alert
from alarms.routing import ROOT, Destination, Route, alert_labels, every_route, resolve
from alarms.time_intervals import TimeInterval, mute_end, muted


@dataclass(frozen=True)
class RouteTable:
    """The routes under the root (the alert channel) and the intervals they mute in."""

    routes: tuple[Route, ...] = ()
    intervals: dict[str, TimeInterval] = field(default_factory=dict)
    root: Destination = field(default_factory=lambda: Destination(name=ROOT, channel=None))

    def destinations(self, labels: dict[str, str]) -> list[Destination]:
        """Where an alert with ``labels`` goes, the primary route first."""
        return resolve(self.routes, self.root, labels)

    def primary(self, alert: Alert) -> Destination:
        """The route that owns the alert's message (its thread, edits and buttons)."""
        return self.destinations(alert_labels(alert))[0]

    def muted(self, where: Destination, now: datetime) -> bool:
        """Whether ``where`` is in one of its mute times at ``now``."""
        return muted(self._intervals(where), now)

    def mute_end(self, where: Destination, now: datetime) -> datetime:
        """When the mute of ``where`` in force at ``now`` ends."""
        return mute_end(self._intervals(where), now)

    def all(self) -> list[Destination]:
        """The root and every route, resolved."""
        return every_route(self.routes, self.root)

    def named(self, name: str) -> Destination | None:
        return next((d for d in self.all() if d.name == name), None)

    def _intervals(self, where: Destination) -> list[TimeInterval]:
        return [self.intervals[n] for n in where.mute_times if n in self.intervals]
