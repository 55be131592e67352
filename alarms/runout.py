"""When money (or quota) runs out at the current rate, as a moment a person can read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal

MAX_AHEAD = timedelta(days=62)


@dataclass(frozen=True)
class RunOut:
    """The moment, as ISO 8601 (UTC) for machines and as short labelled text for people."""

    at: datetime
    iso: str
    text: str


def runs_out_at(now: datetime, left: Decimal, per_hour: Decimal, zone: tzinfo) -> RunOut | None:
    """When ``left`` is used up at ``per_hour``; None when nothing is left or nothing is spent
    (or the moment is over two months away, which no one acts on)."""
    if left <= 0 or per_hour <= 0:
        return None
    ahead = timedelta(hours=float(left / per_hour))
    if ahead > MAX_AHEAD:
        return None
    return moment(now + ahead, now, zone)


def moment(at: datetime, now: datetime, zone: tzinfo) -> RunOut:
    """``at 14:20 UTC`` today, ``at 14:20 UTC on Tue 3 Mar`` on another day (in ``zone``)."""
    local, today = at.astimezone(zone), now.astimezone(zone)
    name = str(getattr(zone, "key", None) or local.tzname() or "UTC")
    text = f"at {local:%H:%M} {name}"
    if local.date() != today.date():
        text += f" on {local:%a} {local.day} {local:%b}"
    return RunOut(at=at, iso=at.astimezone(zone).isoformat(timespec="minutes"), text=text)
