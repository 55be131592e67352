"""The route tree (as Alertmanager's): which channel an alert goes to, who is mentioned, how
alerts are grouped, how often repeats go out and when the route is muted.

The root is the alert channel. Each child route matches alert labels (``match`` exact,
``match_re`` a full-match regular expression; a missing label is the empty string); the first
matching child wins unless it says ``continue``; a matching child's own children are tried in
turn, and the deepest matching route is where the alert goes. Children inherit what they leave
unset (channel, mention, grouping, repeat interval, mute times) from their parent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from alarms.model import Alert
from alarms.time_intervals import DAYS, local_time, zone

CHANNEL = re.compile(r"^[CG][A-Z0-9]{6,}$|^#[a-z0-9][a-z0-9._-]{0,79}$")
MENTION = re.compile(r"^<!subteam\^S[A-Z0-9]{2,20}>$|^<@[UW][A-Z0-9]{2,20}>$|^<!(here|channel)>$")
HANDLE = re.compile(r"^@[a-z0-9][a-z0-9._-]{0,79}$")
DURATION = re.compile(r"^(\d+)([mhd])$")
ROOT = "default"


def minutes(text: str) -> int:
    """``30m``, ``4h`` or ``1d`` in minutes."""
    found = DURATION.match(text)
    if not found:
        raise ValueError(f"duration {text!r} must be a number and m, h or d, e.g. 4h")
    return int(found.group(1)) * {"m": 1, "h": 60, "d": 1440}[found.group(2)]


class DigestSchedule(BaseModel):
    """When a route's digest is posted: daily or weekly, at a local time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    every: str = Field(default="daily", pattern="^(daily|weekly)$")
    at: str = Field(default="09:00", description="HH:MM, local time")
    weekday: str = Field(default="monday", description="for weekly digests")
    time_zone: str = "UTC"

    @model_validator(mode="after")
    def _check(self) -> DigestSchedule:
        local_time(self.at)
        zone(self.time_zone)
        if self.weekday not in DAYS:
            raise ValueError(f"unknown weekday {self.weekday!r}; use monday ... sunday")
        return self


class Route(BaseModel):
    """One node of the route tree; unset fields are inherited from the parent."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    name: str | None = None
    match: dict[str, str] = Field(default_factory=dict)
    match_re: dict[str, str] = Field(default_factory=dict)
    channel: str | None = None
    mention: str | None = None
    group_by: tuple[str, ...] | None = None
    repeat_interval: str | None = None
    mute_times: tuple[str, ...] | None = None
    continue_: bool = Field(default=False, alias="continue")
    routes: tuple[Route, ...] = ()
    digest: DigestSchedule | None = None

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and not CHANNEL.match(value):
            raise ValueError(
                f"unknown channel format {value!r}: use a channel id (C0123ABCD) or #name"
            )
        return value

    @field_validator("mention")
    @classmethod
    def _mention(cls, value: str | None) -> str | None:
        if value is None or MENTION.match(value) or HANDLE.match(value):
            return value
        if re.match(r"^S[A-Z0-9]{2,20}$", value):
            return f"<!subteam^{value}>"
        raise ValueError(
            f"mention {value!r} must be <!subteam^S0123>, a user group id S0123, "
            "a handle @team-oncall, <@U0123>, <!here> or <!channel>"
        )

    @field_validator("match_re")
    @classmethod
    def _regex(cls, value: dict[str, str]) -> dict[str, str]:
        for label, pattern in value.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regex for {label!r}: {pattern!r} ({exc})") from None
        return value

    @field_validator("repeat_interval")
    @classmethod
    def _repeat(cls, value: str | None) -> str | None:
        if value is not None:
            minutes(value)
        return value

    def matches(self, labels: dict[str, str]) -> bool:
        return all(labels.get(k, "") == v for k, v in self.match.items()) and all(
            re.fullmatch(p, labels.get(k, "")) for k, p in self.match_re.items()
        )

    def label(self) -> str:
        """The route's name, else its channel, else what it matches."""
        shown = ",".join(f"{k}={v}" for k, v in {**self.match, **self.match_re}.items())
        return self.name or (self.channel or "").lstrip("#") or shown or "route"


@dataclass(frozen=True)
class Destination:
    """Where one alert goes: a route with everything it inherited filled in."""

    name: str
    channel: str | None  # None: the alert channel
    mention: str | None = None
    group_by: tuple[str, ...] = ()
    repeat_interval_minutes: int | None = None
    mute_times: tuple[str, ...] = ()
    digest: DigestSchedule | None = None
    # What the route and its parents match on (a child's alerts passed its parents too).
    match: tuple[tuple[str, str], ...] = ()
    match_re: tuple[tuple[str, str], ...] = ()

    def below(self, route: Route) -> Destination:
        return Destination(
            name=route.label(),
            channel=route.channel or self.channel,
            mention=route.mention or self.mention,
            group_by=self.group_by if route.group_by is None else route.group_by,
            repeat_interval_minutes=(
                self.repeat_interval_minutes
                if route.repeat_interval is None
                else minutes(route.repeat_interval)
            ),
            mute_times=self.mute_times if route.mute_times is None else route.mute_times,
            digest=route.digest,
            match=self.match + tuple(route.match.items()),
            match_re=self.match_re + tuple(route.match_re.items()),
        )


def alert_labels(alert: Alert) -> dict[str, str]:
    """What routes match on: the alert's labels plus its rule and severity."""
    return {**alert.labels, "rule": alert.rule, "severity": alert.severity.value}


def resolve(
    routes: tuple[Route, ...], root: Destination, labels: dict[str, Any]
) -> list[Destination]:
    """Every destination of an alert with ``labels``, the primary first (never empty)."""
    found: list[Destination] = []
    for route in routes:
        if route.matches(labels):
            found += resolve(route.routes, root.below(route), labels)
            if not route.continue_:
                break
    return found or [root]


def every_route(routes: tuple[Route, ...], root: Destination) -> list[Destination]:
    """The root and every route of the tree, resolved, depth first."""
    found = [root]
    for route in routes:
        found += every_route(route.routes, root.below(route))
    return found
