"""The digest's CloudWatch figures from ONE batched GetMetricData: per model calls, latency
against the same period a week before, error and throttle rates and the share of positive
feedback; 👎 reasons; guardrail interventions by policy."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from alarms.digest import ModelFigures
from alarms.model import MetricSeries, SeriesKey
from bot.adapters.aws.cloudwatch import BEDROCK, CloudWatchReader
from bot.adapters.aws.discovery import GUARDRAILS, guardrail_series
from bot.app.feedback.stats import ReasonKeys, reason_keys, reasons_from

WEEK = timedelta(days=7)
POINT = 6 * 3600  # six-hour points: 28 per week, light on the API and on moto
SUMS = ("Invocations", "InvocationClientErrors", "InvocationServerErrors", "InvocationThrottles")
Series = Mapping[SeriesKey, MetricSeries]


@dataclass(frozen=True)
class Readings:
    """What one batched read gives the digest."""

    models: list[ModelFigures]
    reasons: dict[str, int] = field(default_factory=dict)  # 👎 reason -> net votes
    guardrails: dict[str, float] = field(default_factory=dict)  # policy -> interventions


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

    def reason_keys(self) -> ReasonKeys:
        return reason_keys(self.reader, self.feedback_namespace)

    def policy_keys(self) -> dict[str, list[SeriesKey]]:
        """``InvocationsIntervened`` series per guardrail policy type, over every guardrail
        (dimension lists exactly as ListMetrics returns them)."""
        found: dict[str, list[SeriesKey]] = {}
        for guardrail in guardrail_series(
            self.reader.list_dimensions(GUARDRAILS, "Invocations"),
            self.reader.list_dimensions(GUARDRAILS, "InvocationsIntervened"),
        ):
            for policy, series in guardrail.by_policy.items():
                found.setdefault(policy, []).extend(
                    SeriesKey(
                        namespace=GUARDRAILS,
                        metric="InvocationsIntervened",
                        dimensions=dims,
                        stat="Sum",
                    )
                    for dims in series
                )
        return found

    def fetch(self, keys: Sequence[SeriesKey], start: datetime, end: datetime) -> Series:
        """Both the period and the same period a week before, in six-hour points counted
        from a week before the period's start (so both windows are whole points)."""
        return self.reader.fetch(keys, start - WEEK, end, POINT)


def _total(series: MetricSeries | None, start: datetime, end: datetime) -> float:
    return sum(p.value for p in series.points if start <= p.timestamp < end) if series else 0.0


def _mean(
    series: MetricSeries | None, calls: MetricSeries | None, start: datetime, end: datetime
) -> float | None:
    """The call-weighted mean of the points (each weighs as many calls as it had)."""
    weights = calls.by_time() if calls else {}
    points = [p for p in series.points if start <= p.timestamp < end] if series else []
    total = sum(weights.get(p.timestamp, 1.0) for p in points)
    if not points or not total:
        return None
    return sum(p.value * weights.get(p.timestamp, 1.0) for p in points) / total


def _model_line(
    model: str, got: dict[str, MetricSeries | None], start: datetime, end: datetime
) -> ModelFigures:
    calls = _total(got["Invocations"], start, end)
    errors = _total(got["InvocationClientErrors"], start, end)
    errors += _total(got["InvocationServerErrors"], start, end)
    throttles = _total(got["InvocationThrottles"], start, end)
    return ModelFigures(
        model=model,
        calls=calls,
        latency_ms=_mean(got["latency"], got["Invocations"], start, end),
        latency_last_week_ms=_mean(got["latency"], got["Invocations"], start - WEEK, end - WEEK),
        error_rate=errors / calls if calls else None,
        throttle_rate=throttles / (calls + throttles) if calls + throttles else None,
        positive=_total(got["PositiveFeedback"], start, end),
        negative=_total(got["NegativeFeedback"], start, end),
    )


def _most(item: tuple[str, float]) -> tuple[float, str]:
    return -item[1], item[0]


def read_metrics(
    metrics: MetricSource,
    models: Sequence[str],
    start: datetime,
    end: datetime,
    covers: Callable[[str], bool] = lambda model: True,
) -> Readings:
    """Per-model lines (busiest first), 👎 reasons and guardrail interventions by policy in
    [start, end), from one batched read; models ``covers`` rejects are left out."""
    keyed = {model: metrics.keys(model) for model in models if covers(model)}
    reasons = {k: v for k, v in metrics.reason_keys().items() if covers(k[0])}
    policies = metrics.policy_keys()
    wanted = [k for keys in keyed.values() for k in keys.values()] + list(reasons.values())
    wanted += [k for keys in policies.values() for k in keys]
    series = metrics.fetch(wanted, start, end)
    lines = [
        _model_line(model, {name: series.get(key) for name, key in keys.items()}, start, end)
        for model, keys in keyed.items()
    ]
    by_reason: dict[str, int] = {}
    for counts in reasons_from(series, reasons, start, end).values():
        for reason, count in counts.items():
            by_reason[reason] = by_reason.get(reason, 0) + count
    interventions = {
        policy: sum(_total(series.get(key), start, end) for key in keys)
        for policy, keys in policies.items()
    }
    return Readings(
        models=sorted(lines, key=lambda line: (-line.calls, line.model)),
        reasons=dict(sorted(by_reason.items(), key=_most)),
        guardrails={p: n for p, n in sorted(interventions.items(), key=_most) if n},
    )
