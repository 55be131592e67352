"""Per-user limits on /genai-ask: asks per hour and spend per UTC day.

One document per user holds the times of their recent asks, today's spend and the holds of
asks in flight. Before Bedrock is called, an ask reserves its worst case (every prompt token
and ``maxTokens`` of output at the model's prices) with a conditional write: parallel asks
see each other's holds, so together they can never pass the daily cap. Once the answer is in,
the hold is settled to the real cost; a failed call settles to nothing. A hold whose process
died before settling stays counted until the day ends (it may have been spent).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bot.adapters.store import Conflict, StateStore

KIND = "ask_usage"
HOUR = timedelta(hours=1)
WRITE_ATTEMPTS = 5
SETTLE_ATTEMPTS = 50  # a settlement must land: it is what frees the user's budget


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

    def reserve(self, user: str, asks: int, now: datetime, worst_usd: Decimal = Decimal(0)) -> str:
        """Count ``asks`` calls for ``user`` now and hold ``worst_usd`` of today's budget;
        the hold's id, or raise QuotaExceeded."""
        hold = uuid.uuid4().hex
        for _ in range(WRITE_ATTEMPTS):
            current = self.store.get(KIND, user)
            body = _today(current.body if current else {}, now)
            self._check_budget(body, worst_usd)
            recent = [t for t in body["recent"] if datetime.fromisoformat(t) > now - HOUR]
            if len(recent) + asks > self.limits.asks_per_hour:
                wait = datetime.fromisoformat(min(recent)) + HOUR - now if recent else HOUR
                minutes = max(1, int(wait.total_seconds() // 60) + 1)
                raise QuotaExceeded(
                    f"You have reached {self.limits.asks_per_hour} asks per hour"
                    + (f" ({asks} needed for this compare)" if asks > 1 else "")
                    + f". Try again in about {minutes} min."
                )
            body["recent"] = recent + [now.isoformat()] * asks
            body["holds"][hold] = str(worst_usd)
            if self._write(user, body, current.version if current else 0, now):
                return hold
        raise QuotaExceeded("Too many asks at once; try again in a moment.")

    def settle(self, user: str, hold: str | None, cost: Decimal, now: datetime) -> None:
        """Replace ``hold`` (if any) by the real ``cost`` (USD) in ``user``'s spend today."""
        for _ in range(SETTLE_ATTEMPTS):
            current = self.store.get(KIND, user)
            body = _today(current.body if current else {}, now)
            if hold is not None:
                body["holds"].pop(hold, None)
            body["spend_usd"] = str(Decimal(body["spend_usd"]) + cost)
            if self._write(user, body, current.version if current else 0, now):
                return

    def spend(self, user: str, cost: Decimal, now: datetime) -> None:
        """Add ``cost`` (USD) to ``user``'s spend today."""
        self.settle(user, None, cost, now)

    def spent_today(self, user: str, now: datetime) -> Decimal:
        current = self.store.get(KIND, user)
        return Decimal(_today(current.body if current else {}, now)["spend_usd"])

    def held_today(self, user: str, now: datetime) -> Decimal:
        """What asks in flight (or lost mid-flight) hold of ``user``'s budget today."""
        current = self.store.get(KIND, user)
        holds = _today(current.body if current else {}, now)["holds"]
        return sum((Decimal(v) for v in holds.values()), Decimal(0))

    def _check_budget(self, body: dict[str, Any], worst: Decimal) -> None:
        cap = self.limits.daily_spend_usd
        spent = Decimal(body["spend_usd"])
        held = sum((Decimal(v) for v in body["holds"].values()), Decimal(0))
        if spent >= cap:
            raise QuotaExceeded(
                f"You have used your /genai-ask budget for today (${spent:.4f} of "
                f"${cap:.2f}). It resets at 00:00 UTC."
            )
        if worst > cap:
            raise QuotaExceeded(
                f"This ask could cost up to ${worst:.4f}, more than the whole daily "
                f"/genai-ask budget (${cap:.2f}). Ask your admin to lower the ask max_tokens "
                "or raise the daily spend cap."
            )
        if spent + held + worst > cap:
            left = max(cap - spent - held, Decimal(0))
            raise QuotaExceeded(
                f"This ask could cost up to ${worst:.4f} and ${left:.4f} of your "
                f"${cap:.2f} /genai-ask budget is left today"
                + (" (your other asks in flight hold the rest)" if held else "")
                + ". Try again when they are answered, or after 00:00 UTC."
            )

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
        "holds": dict(body.get("holds", {})) if same_day else {},
    }
