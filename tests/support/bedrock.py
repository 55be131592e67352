"""Seeding Bedrock-shaped data into moto for tests: metrics and invocation logs."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from bot.entrypoints.demo.seed import Incident, ModelProfile, seed_fleet

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


def put_messages(
    logs: Any,
    group: str,
    events: Iterable[tuple[datetime, str]],
    stream: str = "aws/bedrock/modelinvocations",
) -> None:
    """Write raw messages (valid or not) to a log group, creating it if needed."""
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName=group)
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    batch = sorted(
        ({"timestamp": int(at.timestamp() * 1000), "message": text} for at, text in events),
        key=lambda e: e["timestamp"],
    )
    answer = logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
    assert not answer.get("rejectedLogEventsInfo"), answer


def write_invocation_logs(
    logs: Any,
    group: str,
    records: Iterable[dict[str, Any]],
    stream: str = "aws/bedrock/modelinvocations",
) -> None:
    """Write model-invocation log records to a CloudWatch Logs group (created if needed)."""
    put_messages(logs, group, ((_time(r), json.dumps(r)) for r in records), stream)


def _time(record: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(record["timestamp"]).replace("Z", "+00:00"))


# --- alert engine: throttle and guardrail surges -----------------------------------------

from bot.entrypoints.demo.seed_guardrails import (  # noqa: E402
    GuardrailProfile,
    GuardrailSurge,
    seed_guardrails,
)

THROTTLED = ModelProfile("meta.llama3-1-70b-instruct-v1:0", 140, 1800, jitter=0.05)
STREAMING = ModelProfile(
    "anthropic.claude-3-haiku-20240307-v1:0", 200, 650, jitter=0.05, ttft_ms=300
)
NOISY = ModelProfile("mistral.mistral-large-2407-v1:0", 60, 1500, jitter=0.2, error_rate=0.01)
GUARD_SURGING = GuardrailProfile(
    "arn:aws:bedrock:us-east-1:123456789012:guardrail/surging01", "2", 150
)
GUARD_CALM = GuardrailProfile(
    "arn:aws:bedrock:us-east-1:123456789012:guardrail/steady002", "1", 150, intervention_rate=0.1
)


def seed_incidents(cloudwatch: Any, end: datetime, hours: float = 6) -> None:
    """In the last 30 minutes before ``end``: SPIKY's latency triples; THROTTLED is throttled
    on 30% of calls and its latency doubles (a latency alert the throttling explains);
    STREAMING's time to first token quadruples; GUARD_SURGING intervenes on 35% of calls
    (ContentPolicy, on the input). STEADY, NOISY, QUIET and GUARD_CALM stay normal."""
    start = end - timedelta(minutes=30)
    incidents = [
        Incident(SPIKY.model_id, start, end, latency_factor=3.0),
        Incident(THROTTLED.model_id, start, end, latency_factor=2.0, throttle_rate=0.3),
        Incident(STREAMING.model_id, start, end, latency_factor=4.0),
    ]
    fleet = (SPIKY, STEADY, QUIET, THROTTLED, STREAMING, NOISY)
    seed_fleet(cloudwatch, end, fleet, incidents, hours=hours)
    surge = GuardrailSurge(GUARD_SURGING.arn, start, end, rate=0.35)
    seed_guardrails(cloudwatch, end, (GUARD_SURGING, GUARD_CALM), [surge], hours=hours)
