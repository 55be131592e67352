"""Per-user limits on /genai-ask: asks per hour and spend per UTC day.

One document per user holds the times of their recent asks and today's spend. A slot is
reserved before Bedrock is called (conditional write, so parallel asks cannot overshoot the
rate limit) and the cost is added once the answer is in. The spend cap refuses new asks once
reached; the ask that crosses it is bounded by the max-tokens setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bot.adapters.store import Conflict, StateStore

KIND = "ask_usage"
HOUR = timedelta(hours=1)
WRITE_ATTEMPTS = 5


class QuotaExceeded(Exception):
    """The user may not ask now; the message says why and when they can again."""


@dataclass(frozen=True)
class Limits:
    asks_per_hour: int
    daily_spend_usd: Decimal


class AskQuota:
    def __init__(self, store: StateStore, limits: Limits) -> None:
        self.store = store
        self.limits = limits

    def reserve(self, user: str, asks: int, now: datetime) -> None:
        """Count ``asks`` calls for ``user`` now, or raise QuotaExceeded."""
        for _ in range(WRITE_ATTEMPTS):
            current = self.store.get(KIND, user)
            body = _today(current.body if current else {}, now)
            recent = [t for t in body["recent"] if datetime.fromisoformat(t) > now - HOUR]
            spent = Decimal(body["spend_usd"])
            if spent >= self.limits.daily_spend_usd:
                raise QuotaExceeded(
                    f"You have used your /genai-ask budget for today (${spent:.4f} of "
                    f"${self.limits.daily_spend_usd:.2f}). It resets at 00:00 UTC."
                )
            if len(recent) + asks > self.limits.asks_per_hour:
                wait = datetime.fromisoformat(min(recent)) + HOUR - now if recent else HOUR
                minutes = max(1, int(wait.total_seconds() // 60) + 1)
                raise QuotaExceeded(
                    f"You have reached {self.limits.asks_per_hour} asks per hour"
                    + (f" ({asks} needed for this compare)" if asks > 1 else "")
                    + f". Try again in about {minutes} min."
                )
            body["recent"] = recent + [now.isoformat()] * asks
            if self._write(user, body, current.version if current else 0, now):
                return
        raise QuotaExceeded("Too many asks at once; try again in a moment.")

    def spend(self, user: str, cost: Decimal, now: datetime) -> None:
        """Add ``cost`` (USD) to ``user``'s spend today."""
        for _ in range(WRITE_ATTEMPTS):
            current = self.store.get(KIND, user)
            body = _today(current.body if current else {}, now)
            body["spend_usd"] = str(Decimal(body["spend_usd"]) + cost)
            if self._write(user, body, current.version if current else 0, now):
                return

    def spent_today(self, user: str, now: datetime) -> Decimal:
        current = self.store.get(KIND, user)
        return Decimal(_today(current.body if current else {}, now)["spend_usd"])

    def _write(self, user: str, body: dict[str, Any], version: int, now: datetime) -> bool:
        try:
            self.store.put(
                KIND, user, body, expected_version=version, expires_at=now + timedelta(days=2)
            )
        except Conflict:
            return False
        return True


def _today(body: dict[str, Any], now: datetime) -> dict[str, Any]:
    day = now.date().isoformat()
    same_day = body.get("day") == day
    return {
        "day": day,
        "recent": list(body.get("recent", [])),
        "spend_usd": body.get("spend_usd", "0") if same_day else "0",
    }
