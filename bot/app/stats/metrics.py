"""CloudWatch figures per model for ``/genai-stats``: one GetMetricData batch per reader."""

from __future__ import annotations

from datetime import datetime, timedelta

from alarms.model import SeriesKey
from alarms.reports import ModelStats
from bot.adapters.aws.cloudwatch import BEDROCK, CloudWatchReader

SUMS = {
    "invocations": "Invocations",
    "client_errors": "InvocationClientErrors",
    "server_errors": "InvocationServerErrors",
    "throttles": "InvocationThrottles",
    "input_tokens": "InputTokenCount",
    "output_tokens": "OutputTokenCount",
}


def series_key(model: str, metric: str, stat: str) -> SeriesKey:
    return SeriesKey(namespace=BEDROCK, metric=metric, dimensions=(("ModelId", model),), stat=stat)


def metrics(
    reader: CloudWatchReader,
    stats: dict[str, ModelStats],
    start: datetime,
    end: datetime,
    period: int,
    statistic: str,
    window: timedelta,
) -> None:
    if not stats:
        return
    series_keys = {
        (model, field): series_key(model, metric, "Sum")
        for model in stats
        for field, metric in SUMS.items()
    }
    series_keys |= {
        (m, "latency_series"): series_key(m, "InvocationLatency", statistic) for m in stats
    }
    data = reader.fetch(list(series_keys.values()), start, end, period)
    whole = {m: series_key(m, "InvocationLatency", statistic) for m in stats}
    overall = reader.fetch(list(whole.values()), start, end, int(window.total_seconds()))
    for (model, field), key in series_keys.items():
        points = data[key].points
        if field == "latency_series":
            stats[model].latency_series = [(p.timestamp, p.value) for p in points]
        else:
            total = sum(p.value for p in points)
            if field in ("client_errors", "server_errors"):
                stats[model].errors += total
            else:
                setattr(stats[model], field, total)
    for model, key in whole.items():
        points = overall[key].points
        stats[model].latency_ms = points[-1].value if points else None


def previous(
    reader: CloudWatchReader, models: list[str], start: datetime, window: timedelta
) -> float | None:
    if not models:
        return None
    keys = [series_key(model, "Invocations", "Sum") for model in models]
    data = reader.fetch(keys, start - window, start, int(window.total_seconds()))
    points = [p.value for key in keys for p in data[key].points]
    return sum(points) if points else None
