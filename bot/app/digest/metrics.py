"""Per-model figures for the digest from ONE batched GetMetricData: calls, latency against the
same period a week before, error and throttle rates, and the share of positive feedback."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from alarms.digest import ModelFigures
from alarms.model import MetricSeries, SeriesKey
from bot.adapters.aws.cloudwatch import BEDROCK, CloudWatchReader

WEEK = timedelta(days=7)
POINT = 6 * 3600  # six-hour points: 28 per week, light on the API and on moto
SUMS = ("Invocations", "InvocationClientErrors", "InvocationServerErrors", "InvocationThrottles")


class MetricSource:
    """The CloudWatch reads of a digest (discovery, then one batched read)."""

    def __init__(self, reader: CloudWatchReader, latency_stat: str, feedback_namespace: str):
        self.reader = reader
        self.latency_stat = latency_stat
        self.feedback_namespace = feedback_namespace

    def models(self) -> list[str]:
        return self.reader.discover_models()

    def keys(self, model: str) -> dict[str, SeriesKey]:
        dims = (("ModelId", model),)
        found = {
            m: SeriesKey(namespace=BEDROCK, metric=m, dimensions=dims, stat="Sum") for m in SUMS
        }
        found["latency"] = SeriesKey(
            namespace=BEDROCK, metric="InvocationLatency", dimensions=dims, stat=self.latency_stat
        )
        for vote in ("PositiveFeedback", "NegativeFeedback"):
            found[vote] = SeriesKey(
                namespace=self.feedback_namespace, metric=vote, dimensions=dims, stat="Sum"
            )
        return found

    def fetch(
        self, keys: Sequence[SeriesKey], start: datetime, end: datetime
    ) -> dict[SeriesKey, MetricSeries]:
        """Both the period and the same period a week before, in six-hour points counted
        from a week before the period's start (so both windows are whole points)."""
        return self.reader.fetch(keys, start - WEEK, end, POINT)


def _total(series: MetricSeries | None, start: datetime, end: datetime) -> float:
    return sum(p.value for p in series.points if start <= p.timestamp < end) if series else 0.0


def _mean(
    series: MetricSeries | None, calls: MetricSeries | None, start: datetime, end: datetime
) -> float | None:
    """The call-weighted mean of hourly values (each hour weighs as many calls as it had)."""
    weights = calls.by_time() if calls else {}
    points = [p for p in series.points if start <= p.timestamp < end] if series else []
    total = sum(weights.get(p.timestamp, 1.0) for p in points)
    if not points or not total:
        return None
    return sum(p.value * weights.get(p.timestamp, 1.0) for p in points) / total


def model_figures(
    metrics: MetricSource, models: Sequence[str], start: datetime, end: datetime
) -> list[ModelFigures]:
    """One line per model, busiest first."""
    keyed = {model: metrics.keys(model) for model in models}
    series = metrics.fetch([k for keys in keyed.values() for k in keys.values()], start, end)
    lines = []
    for model, keys in keyed.items():
        got = {name: series.get(key) for name, key in keys.items()}
        calls = _total(got["Invocations"], start, end)
        errors = _total(got["InvocationClientErrors"], start, end)
        errors += _total(got["InvocationServerErrors"], start, end)
        throttles = _total(got["InvocationThrottles"], start, end)
        lines.append(
            ModelFigures(
                model=model,
                calls=calls,
                latency_ms=_mean(got["latency"], got["Invocations"], start, end),
                latency_last_week_ms=_mean(
                    got["latency"], got["Invocations"], start - WEEK, end - WEEK
                ),
                error_rate=errors / calls if calls else None,
                throttle_rate=throttles / (calls + throttles) if calls + throttles else None,
                positive=_total(got["PositiveFeedback"], start, end),
                negative=_total(got["NegativeFeedback"], start, end),
            )
        )
    return sorted(lines, key=lambda line: (-line.calls, line.model))
