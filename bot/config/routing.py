"""The ``[routing]`` section: the route tree, named time intervals and the default digest.

In TOML the tree is written at the top level as ``[[routes]]`` and ``[[time_intervals]]``
tables (flat names); ``[routing]`` holds the same under ``routes`` and ``time_intervals``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from alarms.route_table import RouteTable
from alarms.routing import ROOT, Destination, DigestSchedule, Route
from alarms.time_intervals import TimeInterval


class RoutingSettings(BaseModel):
    """Routes from alert labels to team channels, mute times, and digests (docs/routes.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    routes: tuple[Route, ...] = Field(
        default=(), description="[[routes]] tables under the alert channel (docs/routes.md)."
    )
    time_intervals: tuple[TimeInterval, ...] = Field(
        default=(), description="[[time_intervals]]: named weekdays/times for mute_times."
    )
    digest: DigestSchedule | None = Field(
        default=None, description="The alert channel's digest: every, at, weekday, time_zone."
    )
    group_by: tuple[str, ...] = Field(
        default=(), description="Labels the alert channel groups firing alerts by (with rule)."
    )

    @model_validator(mode="after")
    def _check_names(self) -> RoutingSettings:
        known = {interval.name for interval in self.time_intervals}
        seen: set[str] = {ROOT}
        for route in _walk(self.routes):
            for name in route.mute_times or ():
                if name not in known:
                    listed = ", ".join(sorted(known)) or "no [[time_intervals]] yet"
                    raise ValueError(
                        f"route {route.label()!r}: unknown time interval {name!r} in mute_times "
                        f"(defined: {listed})"
                    )
            if route.name is not None:
                if route.name in seen:
                    raise ValueError(f"two routes are named {route.name!r}; names must differ")
                seen.add(route.name)
        return self

    def table(self) -> RouteTable:
        """The route tree ready for delivery."""
        return RouteTable(
            routes=self.routes,
            intervals={interval.name: interval for interval in self.time_intervals},
            root=Destination(name=ROOT, channel=None, group_by=self.group_by, digest=self.digest),
        )


def _walk(routes: tuple[Route, ...]) -> list[Route]:
    found: list[Route] = []
    for route in routes:
        found += [route, *_walk(route.routes)]
    return found
