"""Gathering ``/genai-stats``: CloudWatch metrics, usage roll-ups, budgets, feedback, alerts.

One GetMetricData batch serves the whole table and the chart (about nine metrics per model),
so a stats request costs a fraction of a cent.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from alarms.model import Alert, AlertState, SeriesKey
from alarms.pricing import plain_model_id, strip_geo
from alarms.reports import ModelStats, StatsReport
from alarms.rollup import Rollup
from bot.adapters.aws.cloudwatch import BEDROCK, CloudWatchReader
from bot.adapters.aws.discovery import GUARDRAILS, Discovery
from bot.adapters.aws.errors import AwsError
from bot.adapters.store import StateStore
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.rollups import RollupStore
from bot.app.feedback.stats import feedback_by_model, reasons_by_model
from bot.app.poll.history import PollHistory
from bot.app.spend.summary import ESTIMATE, LOGS, budget_status, summarize
from bot.app.stats.request import StatsRequest
from bot.config.settings import Settings

log = logging.getLogger(__name__)
SUMS = {
    "invocations": "Invocations",
    "client_errors": "InvocationClientErrors",
    "server_errors": "InvocationServerErrors",
    "throttles": "InvocationThrottles",
    "input_tokens": "InputTokenCount",
    "output_tokens": "OutputTokenCount",
}
CHART_PERIODS = {"1h": 300, "24h": 3600, "7d": 6 * 3600, "30d": 86400}


@dataclass
class Sources:
    """Where stats come from: AWS clients are injected, so tests pass moto's."""

    settings: Settings
    store: StateStore
    reader: CloudWatchReader
    discovery: Discovery  # shared with nothing else; cached for its TTL
    status: Any  # () -> LoggingStatus
    estimate: Any  # (start, end) -> list[Rollup]


def collect(sources: Sources, request: StatsRequest, now: datetime) -> StatsReport:
    """Everything ``/genai-stats`` shows for ``request`` at ``now``."""
    settings = sources.settings
    reader = sources.reader
    end = now.replace(second=0, microsecond=0)
    start = end - request.length
    models = [m for m in reader.discover_models() if request.matches(m)]
    stats = {model: ModelStats(model) for model in models}
    period = CHART_PERIODS[request.window]
    _metrics(reader, stats, start, end, period, settings.polling.latency_statistic, request.length)
    report = StatsReport(
        label=request.label,
        start=start,
        end=end,
        statistic=settings.polling.latency_statistic,
        models=sorted(stats.values(), key=lambda m: -m.invocations),
        model_filter=request.model,
    )
    report.previous_invocations = _previous(reader, models, start, request.length)
    _costs(sources, report, stats, start, end, request)
    _feedback(reader, settings, stats, start, end)
    _guardrails(reader, sources.discovery, report, start, end, now, request)
    _alerts(sources.store, report, stats, request)
    last = PollHistory(sources.store).last()
    report.polling = last.describe() if last else None
    return report


def _key(model: str, metric: str, stat: str) -> SeriesKey:
    return SeriesKey(namespace=BEDROCK, metric=metric, dimensions=(("ModelId", model),), stat=stat)


def _metrics(
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
        (model, field): _key(model, metric, "Sum")
        for model in stats
        for field, metric in SUMS.items()
    }
    series_keys |= {(m, "latency_series"): _key(m, "InvocationLatency", statistic) for m in stats}
    data = reader.fetch(list(series_keys.values()), start, end, period)
    whole = {m: _key(m, "InvocationLatency", statistic) for m in stats}
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


def _previous(
    reader: CloudWatchReader, models: list[str], start: datetime, window: timedelta
) -> float | None:
    if not models:
        return None
    keys = [_key(model, "Invocations", "Sum") for model in models]
    data = reader.fetch(keys, start - window, start, int(window.total_seconds()))
    points = [p.value for key in keys for p in data[key].points]
    return sum(points) if points else None


def _costs(
    sources: Sources,
    report: StatsReport,
    stats: dict[str, ModelStats],
    start: datetime,
    end: datetime,
    request: StatsRequest,
) -> None:
    status = sources.status()
    if status.on:
        rollups: list[Rollup] = RollupStore(sources.store).hours(start, end)
        source = LOGS
    else:
        try:
            rollups = sources.estimate(start, end)
        except AwsError as exc:
            log.warning("cost estimate failed", extra={"reason": str(exc)})
            report.cost_source = "cost: invocation logging off, and the estimate failed"
            return
        source = f"{ESTIMATE}; invocation logging off"
    summary = summarize(rollups, start, end, source=source)
    by_model = {model: tally for model, tally in summary.models if request.matches(model)}
    report.spend = sum((t.usd for t in by_model.values()), Decimal(0)) if by_model else None
    report.cost_source = f"cost from {source}" if by_model else f"cost: no usage ({source})"
    for model in stats.values():
        tally = by_model.get(_plain(model.model))
        if tally is not None:
            model.usd = tally.usd
            model.unpriced = tally.unpriced_calls > 0
    hourly: dict[str, dict[datetime, float]] = defaultdict(dict)
    for rollup in rollups:
        for name, tally in rollup.models.items():
            hourly[name][rollup.hour] = hourly[name].get(rollup.hour, 0.0) + float(tally.usd)
    for model in stats.values():
        model.cost_series = sorted(hourly.get(_plain(model.model), {}).items())
    settings = sources.settings
    if settings.cost.all_budgets:
        zone = ZoneInfo(settings.cost.timezone)
        report.budgets = budget_status(sources.store, settings.cost.all_budgets, end, zone)


def _plain(model: str) -> str:
    return strip_geo(plain_model_id(model))


def _feedback(
    reader: CloudWatchReader,
    settings: Settings,
    stats: dict[str, ModelStats],
    start: datetime,
    end: datetime,
) -> None:
    try:
        totals = feedback_by_model(reader, start, end, settings.feedback.namespace)
    except AwsError as exc:
        log.warning("feedback totals unavailable", extra={"reason": str(exc)})
        return
    for model, total in totals.items():
        if model in stats and total.votes:
            stats[model].feedback = total
    try:
        reasons = reasons_by_model(reader, start, end, settings.feedback.namespace)
    except AwsError as exc:
        log.warning("feedback reasons unavailable", extra={"reason": str(exc)})
        return
    for model, counts in reasons.items():
        if model in stats:
            stats[model].reasons = counts


def _guardrails(
    reader: CloudWatchReader,
    discovery: Discovery,
    report: StatsReport,
    start: datetime,
    end: datetime,
    now: datetime,
    request: StatsRequest,
) -> None:
    guardrails = discovery.inventory(now).guardrails
    keys: list[tuple[str, SeriesKey]] = []
    for guardrail in guardrails:
        keys.append(
            (
                "checks",
                SeriesKey(
                    namespace=GUARDRAILS,
                    metric="Invocations",
                    dimensions=guardrail.invocations,
                    stat="Sum",
                ),
            )
        )
        keys += [
            (
                "intervened",
                SeriesKey(
                    namespace=GUARDRAILS,
                    metric="InvocationsIntervened",
                    dimensions=dims,
                    stat="Sum",
                ),
            )
            for dims in guardrail.intervened
        ]
    if not keys:
        return
    data = reader.fetch([k for _, k in keys], start, end, int(request.length.total_seconds()))
    for kind, key in keys:
        total = sum(p.value for p in data[key].points)
        if kind == "checks":
            report.guardrail_checks += total
        else:
            report.guardrail_interventions += total


def _alerts(
    store: StateStore, report: StatsReport, stats: dict[str, ModelStats], request: StatsRequest
) -> None:
    for alert in AlertStore(store).all():
        model = alert.labels.get("model", "")
        if alert.rule == "latency_spike" and model in stats and "metric" not in alert.labels:
            _window(stats[model], alert, report)
        if alert.state is not AlertState.FIRING or not request.matches(model or alert.rule):
            continue
        if alert.muted:
            report.alerts_held += 1
        else:
            report.alerts_firing += 1
        if model in stats:
            stats[model].alerts += 1


def _window(model: ModelStats, alert: Alert, report: StatsReport) -> None:
    """The latency alert's time on the chart (shaded) and its threshold (a line)."""
    end = alert.resolved_at
    if alert.started_at >= report.end or (end is not None and end <= report.start):
        return
    model.alert_windows.append((alert.started_at, end))
    if alert.threshold is not None:
        model.latency_threshold_ms = alert.threshold
