"""Realistic Bedrock traffic for the demo and the tests: daily shape, noise, incidents."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

BEDROCK = "AWS/Bedrock"


@dataclass(frozen=True)
class ModelProfile:
    model_id: str
    peak_calls: int  # invocations per period at the daily peak
    latency_ms: float  # typical average latency
    jitter: float = 0.08  # relative noise on latency
    error_rate: float = 0.002
    throttle_rate: float = 0.001
    input_tokens: int = 900
    output_tokens: int = 300
    ttft_ms: float | None = None  # streaming models publish TimeToFirstToken


@dataclass(frozen=True)
class Incident:
    model_id: str
    start: datetime
    end: datetime
    latency_factor: float = 1.0
    error_rate: float | None = None
    throttle_rate: float | None = None

    def covers(self, model_id: str, moment: datetime) -> bool:
        return model_id == self.model_id and self.start <= moment < self.end


DEMO_FLEET = (
    ModelProfile("anthropic.claude-3-5-sonnet-20240620-v1:0", 180, 2400),
    ModelProfile("anthropic.claude-3-haiku-20240307-v1:0", 420, 650),
    ModelProfile("amazon.nova-pro-v1:0", 120, 1300),
    # busy enough to judge at any hour (the night dip is a quarter of the peak)
    ModelProfile("meta.llama3-1-70b-instruct-v1:0", 120, 1800, jitter=0.12),
    ModelProfile("amazon.titan-embed-text-v2:0", 8, 90, jitter=0.2),  # too quiet to judge
)


def daily_shape(moment: datetime) -> float:
    """Traffic multiplier over the day: quiet at night, a peak in the afternoon (UTC)."""
    hour = moment.hour + moment.minute / 60
    return 0.25 + 0.75 * max(0.0, math.sin(math.pi * (hour - 6) / 16)) ** 1.5


def periods(end: datetime, hours: float, period_seconds: int) -> list[datetime]:
    count = int(hours * 3600 // period_seconds)
    return [end - timedelta(seconds=period_seconds * i) for i in range(count, 0, -1)]


def model_datums(
    profile: ModelProfile,
    moments: Iterable[datetime],
    incidents: Iterable[Incident] = (),
    rng: random.Random | None = None,
) -> Iterator[dict[str, Any]]:
    """CloudWatch datums (``StatisticValues`` per period) for one model."""
    rng = rng or random.Random(profile.model_id)
    incidents = [i for i in incidents if i.model_id == profile.model_id]
    dims = [{"Name": "ModelId", "Value": profile.model_id}]
    for moment in moments:
        hit = next((i for i in incidents if i.covers(profile.model_id, moment)), None)
        calls = max(0, round(profile.peak_calls * daily_shape(moment) * rng.uniform(0.85, 1.15)))
        error_rate = hit.error_rate if hit and hit.error_rate is not None else profile.error_rate
        throttle = (
            hit.throttle_rate if hit and hit.throttle_rate is not None else profile.throttle_rate
        )
        factor = hit.latency_factor if hit else 1.0
        avg = profile.latency_ms * factor * max(0.3, rng.gauss(1.0, profile.jitter))
        throttled = round(calls * throttle)
        served = max(0, calls - throttled)

        counts = {
            "Invocations": served,
            "InvocationThrottles": throttled,
            "InvocationServerErrors": round(served * error_rate * 0.7),
            "InvocationClientErrors": round(served * error_rate * 0.3),
            "InputTokenCount": served * profile.input_tokens,
            "OutputTokenCount": served * profile.output_tokens,
        }
        for name, value in counts.items():
            yield {
                "MetricName": name,
                "Dimensions": dims,
                "Timestamp": moment,
                "Value": float(value),
                "Unit": "Count",
            }
        if served:
            yield {
                "MetricName": "InvocationLatency",
                "Dimensions": dims,
                "Timestamp": moment,
                "Unit": "Milliseconds",
                "StatisticValues": {
                    "SampleCount": float(served),
                    "Sum": avg * served,
                    "Minimum": avg * 0.4,
                    "Maximum": avg * 2.5,
                },
            }
        if served and profile.ttft_ms:
            ttft = profile.ttft_ms * factor * max(0.3, rng.gauss(1.0, profile.jitter))
            yield {
                "MetricName": "TimeToFirstToken",
                "Dimensions": dims,
                "Timestamp": moment,
                "Unit": "Milliseconds",
                "StatisticValues": {
                    "SampleCount": float(served),
                    "Sum": ttft * served,
                    "Minimum": ttft * 0.5,
                    "Maximum": ttft * 2.0,
                },
            }


def put_datums(cloudwatch: Any, datums: Iterable[dict[str, Any]], namespace: str = BEDROCK) -> int:
    """Write datums in PutMetricData-sized batches; returns how many were written."""
    batch: list[dict[str, Any]] = []
    written = 0
    for item in datums:
        batch.append(item)
        if len(batch) == 500:
            cloudwatch.put_metric_data(Namespace=namespace, MetricData=batch)
            written, batch = written + len(batch), []
    if batch:
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=batch)
        written += len(batch)
    return written


def seed_fleet(
    cloudwatch: Any,
    end: datetime,
    fleet: Iterable[ModelProfile] = DEMO_FLEET,
    incidents: Iterable[Incident] = (),
    hours: float = 24,
    period_seconds: int = 300,
    seed: int = 7,
) -> int:
    """Seed ``hours`` of per-period metrics ending at ``end`` for every model in ``fleet``."""
    moments = periods(end, hours, period_seconds)
    incidents = list(incidents)
    total = 0
    for index, profile in enumerate(fleet):
        rng = random.Random(seed * 1000 + index)
        total += put_datums(cloudwatch, model_datums(profile, moments, incidents, rng))
    return total
