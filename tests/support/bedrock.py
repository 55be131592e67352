"""Seeding Bedrock-shaped data into moto for tests: metrics and invocation logs."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from bot.demo.seed import Incident, ModelProfile, seed_fleet

SPIKY = ModelProfile("anthropic.claude-3-5-sonnet-20240620-v1:0", 150, 2400, jitter=0.05)
STEADY = ModelProfile("amazon.nova-pro-v1:0", 120, 1300, jitter=0.05)
QUIET = ModelProfile("amazon.titan-embed-text-v2:0", 5, 90, jitter=0.5)


def seed_spike(
    cloudwatch: Any,
    end: datetime,
    hours: float = 6,
    fleet: Iterable[ModelProfile] = (SPIKY, STEADY, QUIET),
) -> None:
    """``hours`` of traffic ending at ``end``; SPIKY's latency triples in the last 30 min."""
    spike = Incident(SPIKY.model_id, end - timedelta(minutes=30), end, latency_factor=3.0)
    seed_fleet(cloudwatch, end, fleet, [spike], hours=hours)


def seed_healthy(
    cloudwatch: Any,
    start: datetime,
    end: datetime,
    fleet: Iterable[ModelProfile] = (SPIKY, STEADY, QUIET),
) -> None:
    """Healthy traffic for the periods in [start, end)."""
    seed_fleet(cloudwatch, end, fleet, (), hours=(end - start).total_seconds() / 3600)


def write_invocation_logs(
    logs: Any,
    group: str,
    records: Iterable[dict[str, Any]],
    stream: str = "aws/bedrock/modelinvocations",
) -> None:
    """Write model-invocation log records to a CloudWatch Logs group (created if needed)."""
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName=group)
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    events = [
        {"timestamp": int(_time(r).timestamp() * 1000), "message": json.dumps(r)} for r in records
    ]
    events.sort(key=lambda e: e["timestamp"])
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


def _time(record: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(record["timestamp"]).replace("Z", "+00:00"))
