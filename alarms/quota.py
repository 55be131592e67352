"""Quota saturation: a model's tokens-per-minute use against its quota, and where it trends.

Bedrock publishes ``EstimatedTPMQuotaUsage`` per model: the tokens each call is estimated to
take from the tokens-per-minute quota. Its Sum over a period divided by the period's minutes
is the average quota use per minute. The rule fires when the latest period uses
``max_share`` of the quota, or when a least-squares line through the last ``trend_periods``
periods reaches the quota within ``exhaustion_minutes`` (from at least ``min_share``): before
Bedrock starts throttling, not after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from alarms.model import Evaluation
from alarms.names import short_model
from alarms.rules import QuotaSaturationRule

RULE = "quota_saturation"


@dataclass(frozen=True)
class Quota:
    """A tokens-per-minute quota as Service Quotas names it, and where to ask for more."""

    name: str
    value: float
    code: str | None = None
    url: str = ""


@dataclass(frozen=True)
class Trend:
    """Least-squares line through per-minute use: the fitted value now and its slope."""

    now: float
    per_minute: float  # change in tokens-per-minute, per minute

    def minutes_to(self, limit: float) -> float | None:
        """Minutes until the line reaches ``limit``; None when it does not rise."""
        if self.per_minute <= 0:
            return None
        return max(0.0, (limit - self.now) / self.per_minute)


def trend(points: Sequence[tuple[float, float]]) -> Trend | None:
    """The least-squares line through ``(minute, value)`` points; None under two points."""
    n = len(points)
    if n < 2:
        return None
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    last_x = max(x for x, _ in points)
    return Trend(now=mean_y + slope * (last_x - mean_x), per_minute=slope)


def evaluate(
    rule: QuotaSaturationRule,
    model: str,
    usage: Mapping[datetime, float],
    end: datetime,
    period: int,
    quota: Quota,
) -> Evaluation:
    """Judge ``model``'s last complete period (ending at ``end``) and its recent trend.

    ``usage`` holds Sums of ``EstimatedTPMQuotaUsage`` per period start; a period without a
    datapoint had no use.
    """
    minutes = period / 60
    starts = [end - timedelta(seconds=period * i) for i in range(rule.trend_periods, 0, -1)]
    tpm = [usage.get(start, 0.0) / minutes for start in starts]
    current, share = tpm[-1], tpm[-1] / quota.value if quota.value else 0.0
    line = trend([(i * minutes, value) for i, value in enumerate(tpm)])
    eta = line.minutes_to(quota.value) if line else None
    soon = eta is not None and eta <= rule.exhaustion_minutes and share >= rule.min_share
    firing = share >= rule.max_share or soon
    summary = (
        f"{short_model(model)} uses {share:.0%} of its tokens-per-minute quota "
        f"({current:,.0f} of {quota.value:,.0f})"
    )
    if eta is not None and share < 1:
        summary += (
            f"; at the trend of the last {len(tpm)} periods it reaches the quota in {eta:.0f} min"
        )
    details = {
        "quota": quota.name,
        "quota_tpm": f"{quota.value:,.0f}",
        "usage_tpm": f"{current:,.0f}",
        "trend": "least-squares line through the per-minute use of the last "
        f"{len(tpm)} periods: {line.per_minute:+,.0f} tokens/min per minute"
        if line
        else "not enough periods",
        **({"minutes_to_quota": f"{eta:.0f}"} if eta is not None else {}),
        **({"quota_code": quota.code} if quota.code else {}),
        **({"increase": quota.url} if quota.url else {}),
    }
    return Evaluation(
        rule=RULE,
        labels={"model": model},
        firing=firing,
        severity=rule.severity,
        value=round(share * 100, 1),
        threshold=rule.max_share * 100,
        unit="%",
        period_end=end,
        summary=summary,
        details=details,
        repeat_interval_minutes=rule.repeat_interval_minutes,
        refire_cooldown_minutes=rule.refire_cooldown_minutes,
    )
