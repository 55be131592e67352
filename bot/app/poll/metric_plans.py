"""Per rule and subject: which series to read, and how to judge them once read.

Planning first and reading afterwards is what lets one poll cycle read every series of every
rule in one batched GetMetricData round, whatever the number of rules.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from alarms import latency
from alarms.model import Evaluation, MetricSeries, SeriesKey
from alarms.rules import (
    ErrorRateRule,
    GuardrailSurgeRule,
    LatencySpikeRule,
    Rule,
    ThrottleRateRule,
)
from bot.adapters.aws.cloudwatch import BEDROCK, Dimensions
from bot.adapters.aws.discovery import GUARDRAILS, GuardrailSeries, Inventory
from bot.app.poll.latency_stream import judge_latency
from bot.app.poll.series_memory import SeriesMemory
from bot.app.poll.share_judges import (
    GuardrailKeys,
    RateSeries,
    conclude_guardrail,
    conclude_rate,
    judge_guardrail,
    judge_rate,
    new_periods,
)
from bot.app.poll.stream import judge_stream

Data = Mapping[SeriesKey, MetricSeries]
Stream = Callable[[SeriesMemory, datetime, timedelta], tuple[Evaluation, SeriesMemory]]


@dataclass(frozen=True)
class Plan:
    """The series one rule reads for one subject, and how it judges them.

    ``judge`` judges the window it is given; a plan with ``stream`` judges only the periods
    newer than its memory instead and returns the memory to keep. ``identity`` names the
    series in the detector-state store (the rule's settings are part of it, so changing a
    rule starts its baselines afresh).
    """

    keys: tuple[SeriesKey, ...]
    judge: Callable[[Data], Evaluation]
    identity: str = ""
    stream: Stream | None = None


def plans(rules: Iterable[Rule], inventory: Inventory, statistic: str, period: int) -> list[Plan]:
    """Every (rule, subject) pair the rules ask for, over what discovery found."""
    return [
        replace(plan, identity=f"{rule.kind}/{_fingerprint(rule)}/{plan.identity}")
        for rule in rules
        for plan in _plans(rule, inventory, statistic, period)
    ]


def _fingerprint(rule: Rule) -> str:
    return hashlib.sha256(rule.model_dump_json().encode()).hexdigest()[:8]


def _plans(rule: Rule, inventory: Inventory, statistic: str, period: int) -> list[Plan]:
    if isinstance(rule, LatencySpikeRule):
        return _latency(rule, inventory, statistic, period)
    if isinstance(rule, ErrorRateRule | ThrottleRateRule):
        return [_rate(rule, m, period) for m in inventory.models if rule.watches(m)]
    if isinstance(rule, GuardrailSurgeRule):
        return [
            _guardrail(rule, g, period)
            for g in inventory.guardrails
            if rule.watches_guardrail(g.arn)
        ]
    return []


def model_key(model: str, metric: str, stat: str = "Sum") -> SeriesKey:
    return SeriesKey(namespace=BEDROCK, metric=metric, dimensions=(("ModelId", model),), stat=stat)


def _latency(rule: LatencySpikeRule, inv: Inventory, statistic: str, period: int) -> list[Plan]:
    out = []
    for model in filter(rule.watches, inv.models):
        metrics = [rule.metric]
        if rule.time_to_first_token and model in inv.streaming_models:
            metrics.append("TimeToFirstToken")
        for metric in dict.fromkeys(metrics):
            judged = rule if metric == rule.metric else rule.model_copy(update={"metric": metric})
            lat, calls = model_key(model, metric, statistic), model_key(model, "Invocations")
            out.append(
                Plan(
                    (lat, calls),
                    partial(_judge_latency, judged, model, lat, calls, period),
                    f"{model}/{metric}/{statistic}",
                    partial(judge_latency, judged, model, lat, calls, period),
                )
            )
    return out


def _judge_latency(
    rule: LatencySpikeRule, model: str, lat: SeriesKey, calls: SeriesKey, period: int, data: Data
) -> Evaluation:
    return latency.evaluate(rule, model, data[lat].points, data[calls].by_time(), period)


def _rate(rule: ErrorRateRule | ThrottleRateRule, model: str, period: int) -> Plan:
    parts = {"throttles": model_key(model, "InvocationThrottles")}
    if isinstance(rule, ErrorRateRule):
        parts = {"server_errors": model_key(model, "InvocationServerErrors")}
        if rule.include_client_errors:
            parts["client_errors"] = model_key(model, "InvocationClientErrors")
    calls = (model_key(model, "Invocations"), model_key(model, "InvocationThrottles"))
    series = RateSeries(model, calls, parts)
    stream = None
    if rule.mode == "adaptive":
        conclude = partial(conclude_rate, rule, series, period)
        stream = partial(judge_stream, series.keys(), new_periods(rule, series, period), conclude)
    return Plan(series.keys(), partial(judge_rate, rule, series, period), model, stream)


def _guardrail_key(dims: Dimensions, metric: str) -> SeriesKey:
    return SeriesKey(namespace=GUARDRAILS, metric=metric, dimensions=dims, stat="Sum")


def _guardrail(rule: GuardrailSurgeRule, series: GuardrailSeries, period: int) -> Plan:
    hit = partial(_guardrail_key, metric="InvocationsIntervened")
    keys = GuardrailKeys(
        (series.arn, series.version),
        _guardrail_key(series.invocations, "Invocations"),
        tuple(hit(d) for d in series.intervened),
        {name: tuple(hit(d) for d in dims) for name, dims in series.by_policy.items()},
        {name: tuple(hit(d) for d in dims) for name, dims in series.by_source.items()},
    )
    conclude = partial(conclude_guardrail, rule, keys, period)
    stream = partial(judge_stream, keys.keys(), new_periods(rule, keys, period), conclude)
    judge = partial(judge_guardrail, rule, keys, period)
    return Plan(keys.keys(), judge, f"{series.arn}:{series.version}", stream)
