"""Named time intervals (Alertmanager's ``time_intervals``): when a route's notices are muted.

An interval is a set of weekdays and a set of times of day, read in its own time zone.
``weekdays = ["saturday", "sunday"]`` is the weekend; ``times = [{start_time = "20:00",
end_time = "08:00"}]`` is every night (a range whose end is before its start wraps over
midnight; the weekday is the one the night starts on). Empty weekdays or times mean "any".
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CLOCK_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
LONGEST_MUTE = timedelta(days=8)


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; a ValueError a person can act on when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name such as UTC or Europe/Berlin"
        ) from None


def _minute(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


class TimeRange(BaseModel):
    """A time of day from ``start_time`` (included) to ``end_time`` (excluded), HH:MM."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start_time: str
    end_time: str

    @field_validator("start_time", "end_time")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not CLOCK_TIME.match(value):
            raise ValueError(f"time {value!r} must be HH:MM, 00:00 to 24:00")
        return value

    def contains(self, minute: int, wraps_from_yesterday: bool) -> bool:
        start, end = _minute(self.start_time), _minute(self.end_time)
        if start < end:
            return not wraps_from_yesterday and start <= minute < end
        if wraps_from_yesterday:  # the early part of a night that began the day before
            return minute < end
        return minute >= start


class TimeInterval(BaseModel):
    """A named set of weekdays and times of day in one time zone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    weekdays: tuple[str, ...] = Field(default=(), description='e.g. "monday:friday", "sunday"')
    times: tuple[TimeRange, ...] = ()
    time_zone: str = "UTC"

    @field_validator("weekdays")
    @classmethod
    def _days(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            for day in item.lower().split(":"):
                if day not in DAYS:
                    raise ValueError(f"unknown weekday {day!r}; use monday ... sunday or a:b")
        return tuple(item.lower() for item in value)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        zone(value)
        return value

    def _day_set(self) -> set[int]:
        days: set[int] = set()
        for item in self.weekdays:
            first, _, last = item.partition(":")
            a, b = DAYS.index(first), DAYS.index(last or first)
            days |= set(range(a, b + 1)) if a <= b else set(range(a, 7)) | set(range(0, b + 1))
        return days or set(range(7))

    def contains(self, now: datetime) -> bool:
        """Whether ``now`` (aware) falls in this interval."""
        local = now.astimezone(zone(self.time_zone))
        days = self._day_set()
        if not self.times:
            return local.weekday() in days
        minute = local.hour * 60 + local.minute
        today, yesterday = local.weekday(), (local.weekday() - 1) % 7
        return any(
            (today in days and span.contains(minute, wraps_from_yesterday=False))
            or (yesterday in days and span.contains(minute, wraps_from_yesterday=True))
            for span in self.times
        )


def muted(intervals: list[TimeInterval], now: datetime) -> bool:
    """Whether ``now`` falls in any of ``intervals``."""
    return any(interval.contains(now) for interval in intervals)


def mute_end(intervals: list[TimeInterval], now: datetime) -> datetime:
    """The first whole minute after ``now`` outside every interval (at most 8 days on)."""
    at = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    while muted(intervals, at) and at - now < LONGEST_MUTE:
        at += timedelta(minutes=1)
    return at


def local_time(text: str) -> time:
    """``HH:MM`` as a time of day."""
    if not CLOCK_TIME.match(text) or text == "24:00":
        raise ValueError(f"time {text!r} must be HH:MM, 00:00 to 23:59")
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))
