"""The demo's quota story: one model's tokens-per-minute use climbing toward its quota.

Bedrock's ``EstimatedTPMQuotaUsage`` is seeded for the last two hours: steady at about a third
of the quota, then climbing for the last half hour, with no throttling yet. The demo's quota
is set in the rule (``quotas_tpm``), since the embedded AWS has no Bedrock service quotas.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from alarms.rules import QuotaSaturationRule, Rule
from bot.config.settings import Settings
from bot.entrypoints.demo.seed import periods, put_datums

QUOTA_MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
QUOTA_TPM = 400_000


def seed_quota_use(cloudwatch: Any, end: datetime, period_seconds: int) -> int:
    """Two hours of quota use ending at ``end``; the last 30 minutes climb to ~70%, and the
    half hour after ``end`` (the demo's later polls) holds at 85%: the warning stays up."""
    minutes = period_seconds / 60
    climb_from = end - timedelta(minutes=30)
    datums = []
    for moment in periods(end + timedelta(minutes=30), 2.5, period_seconds):
        share = 0.33
        if moment >= climb_from:
            share += 0.4 * ((moment - climb_from) / timedelta(minutes=30))
        if moment >= end:
            share = 0.85
        datums.append(
            {
                "MetricName": "EstimatedTPMQuotaUsage",
                "Dimensions": [{"Name": "ModelId", "Value": QUOTA_MODEL}],
                "Timestamp": moment,
                "Value": share * QUOTA_TPM * minutes,
                "Unit": "Count",
            }
        )
    return put_datums(cloudwatch, datums)


def with_demo_quota(settings: Settings) -> Settings:
    """The user's quota rule (or the default) knowing the demo model's quota."""
    rules: list[Rule] = list(settings.rules)
    given = next((r for r in rules if isinstance(r, QuotaSaturationRule)), QuotaSaturationRule())
    known = given.model_copy(update={"quotas_tpm": {**given.quotas_tpm, QUOTA_MODEL: QUOTA_TPM}})
    rules = [r for r in rules if not isinstance(r, QuotaSaturationRule)] + [known]
    return settings.model_copy(update={"rules": tuple(rules)})
