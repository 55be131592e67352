"""The demo's invocation logs: a few thousand calls, a cache-heavy batch job that runs away
in the last hour, and one model genai-prices cannot price."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import ROUND_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from alarms.budgets import Budget
from alarms.usage import record_from
from bot.adapters.prices import Pricer
from bot.config.settings import Settings
from bot.entrypoints.demo.invocations import invocation

GROUP = "/aws/bedrock/modelinvocations"
ROLE = "arn:aws:iam::123456789012:role/bedrock-invocation-logging"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET = "us.anthropic.claude-3-5-sonnet-20241022-v2:0"
NOVA = "amazon.nova-lite-v1:0"
UNPRICED = "mistral.mistral-large-2407-v1:0"
SEEDED_HOURS = 6  # of invocation-log records, ending now


def demo_records(
    now: datetime, hours: int = SEEDED_HOURS, seed: int = 11
) -> Iterator[dict[str, Any]]:
    """About 3,000 records over the last ``hours`` (oldest first)."""
    rng = random.Random(seed)
    start = now - timedelta(hours=hours)
    for minute in range(hours * 60):
        at = start + timedelta(minutes=minute)
        for n in range(rng.randint(5, 9)):  # the support chat: many small haiku calls
            yield invocation(
                at + timedelta(seconds=n * 6),
                f"chat-{minute}-{n}",
                HAIKU,
                "support-chat-backend",
                {"team": "support", "app": "chat"},
                input_tokens=rng.randint(300, 900),
                output_tokens=rng.randint(80, 400),
            )
        if minute % 10 == 0:
            yield invocation(
                at + timedelta(seconds=50),
                f"nova-{minute}",
                NOVA,
                "search-api",
                {"team": "search"},
                input_tokens=2000,
                output_tokens=200,
            )
        runaway = minute >= hours * 60 - 50
        if runaway or minute % 30 == 0:  # the batch job: cache-heavy, then out of control
            for n in range(3 if runaway else 1):
                yield invocation(
                    at + timedelta(seconds=55 + n),
                    f"batch-{minute}-{n}",
                    SONNET,
                    "batch-summarizer",
                    {"team": "research"},
                    input_tokens=1500,
                    cache_read=120_000,
                    cache_write=8_000,
                    output_tokens=1_200,
                )
        if minute % 90 == 45:
            yield invocation(
                at,
                f"trial-{minute}",
                UNPRICED,
                "dev-ana",
                {"team": "research"},
                input_tokens=4000,
                output_tokens=800,
            )


def demo_zone(now: datetime) -> str:
    """The demo budget's time zone: UTC, unless the UTC day began less than the seeded hours
    ago; then a zone where it is afternoon, so the whole seeded day falls in one budget day
    and the demo tells the same story at any hour."""
    return "UTC" if now.astimezone(UTC).hour >= SEEDED_HOURS + 1 else "Etc/GMT+12"


def seed_usage(logs: Any, bedrock: Any, now: datetime) -> tuple[int, Decimal]:
    """Turn logging on, write the records; returns (records, their priced cost today in the
    demo budget's zone)."""
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="demo")
    bedrock.put_model_invocation_logging_configuration(
        loggingConfig={
            "cloudWatchConfig": {"logGroupName": GROUP, "roleArn": ROLE},
            "textDataDeliveryEnabled": True,
        }
    )
    local = now.astimezone(ZoneInfo(demo_zone(now)))
    pricer, midnight = Pricer(), local.replace(hour=0, minute=0, second=0, microsecond=0)
    count, today, batch = 0, Decimal(0), []
    ordered = sorted(demo_records(now), key=lambda r: str(r["timestamp"]))
    for raw in ordered:
        record = record_from(raw)
        usd = pricer.price(record.model_id, record.tokens, record.time).usd
        if usd is not None and record.time >= midnight:
            today += usd
        batch.append({"timestamp": int(record.time.timestamp() * 1000), "message": json.dumps(raw)})
        if len(batch) == 500:
            logs.put_log_events(logGroupName=GROUP, logStreamName="demo", logEvents=batch)
            count, batch = count + len(batch), []
    if batch:
        logs.put_log_events(logGroupName=GROUP, logStreamName="demo", logEvents=batch)
        count += len(batch)
    return count, today


def with_demo_budget(settings: Settings, spent_today: Decimal, now: datetime) -> Settings:
    """Unless budgets are configured, a daily one the seeded day has used about 85% of (so
    its 80% threshold speaks)."""
    update: dict[str, Any] = {}
    if not settings.cost.all_budgets:
        amount = max(Decimal(1), (spent_today / Decimal("0.85")).quantize(Decimal(1), ROUND_UP))
        update["budgets"] = (Budget(name="demo daily", period="daily", amount_usd=amount),)
        update["budget_timezone"] = demo_zone(now)
    return settings.with_flat(**update)
