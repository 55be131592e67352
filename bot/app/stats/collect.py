"""Gathering ``/genai-stats``: CloudWatch metrics, usage roll-ups, budgets, feedback, alerts.

One GetMetricData batch serves the whole table and the chart (about nine metrics per model),
so a stats request costs a fraction of a cent.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from alarms.model import Alert, AlertState, SeriesKey
from alarms.pricing import plain_model_id, strip_geo
from alarms.reports import ModelStats, StatsReport
from alarms.rollup import Rollup
from bot.adapters.aws.cloudwatch import CloudWatchReader
from bot.adapters.aws.discovery import GUARDRAILS, Discovery
from bot.adapters.aws.errors import AwsError
from bot.adapters.store import StateStore
from bot.adapters.store.alerts import AlertStore
from bot.adapters.store.rollups import RollupStore
from bot.app.feedback.stats import feedback_and_reasons
from bot.app.poll.history import PollHistory
from bot.app.spend.gather import Where, gather, grouped
from bot.app.spend.summary import ESTIMATE, LOGS, budget_status, summarize
from bot.app.spend.targets import UsageTarget
from bot.app.stats.metrics import metrics, previous
from bot.app.stats.request import StatsRequest
from bot.app.stats.targets import target_metrics
from bot.config.settings import Settings

log = logging.getLogger(__name__)
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
    usage: Sequence[UsageTarget] = ()  # every target region (with [[aws.targets]])
    parallel: int = 4

    @property
    def per_target(self) -> bool:
        """Whether the bot watches target regions of its own (not boto3's one region)."""
        return any(not t.default for t in self.usage)


def collect(sources: Sources, request: StatsRequest, now: datetime) -> StatsReport:
    """Everything ``/genai-stats`` shows for ``request`` at ``now``."""
    settings = sources.settings
    reader = sources.reader
    end = now.replace(second=0, microsecond=0)
    start = end - request.length
    period = CHART_PERIODS[request.window]
    statistic = settings.polling.latency_statistic
    place_filter = Where(request.account, request.region).text or None
    if request.account and sources.per_target:  # a target's name: its account id, if known
        named = Where(request.account, request.region).named(sources.usage)
        request = replace(request, account=named.account)
    if sources.per_target:
        read = target_metrics(
            sources.usage, request, (start, end, period), statistic, sources.parallel
        )
        stats, previous_calls, unread = read.stats, read.previous, read.failures
    else:
        models = [m for m in reader.discover_models() if request.matches(m)]
        stats = {model: ModelStats(model) for model in models}
        metrics(reader, stats, start, end, period, statistic, request.length)
        previous_calls, unread = previous(reader, models, start, request.length), []
    report = StatsReport(
        label=request.label,
        start=start,
        end=end,
        statistic=settings.polling.latency_statistic,
        models=sorted(stats.values(), key=lambda m: -m.invocations),
        model_filter=request.model,
        place_filter=place_filter,
        unread=unread,
    )
    report.previous_invocations = previous_calls
    _costs(sources, report, stats, start, end, request)
    _feedback(reader, settings, stats, start, end)
    _guardrails(reader, sources.discovery, report, start, end, now, request)
    _alerts(sources.store, report, stats, request)
    last = PollHistory(sources.store).last()
    report.polling = last.describe() if last else None
    return report


def _costs(
    sources: Sources,
    report: StatsReport,
    stats: dict[str, ModelStats],
    start: datetime,
    end: datetime,
    request: StatsRequest,
) -> None:
    if sources.per_target:
        got = gather(sources.store, sources.usage, start, end, _where(request), sources.parallel)
        report.unread += [line for line in got.failures if line not in report.unread]
        if request.by:
            report.spend_by = [(name, t.usd) for name, t in grouped(got.rollups, request.by)]
        _spread(sources, report, stats, got.rollups, got.source, start, end, request)
        return
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
    _spread(sources, report, stats, rollups, source, start, end, request)


def _where(request: StatsRequest) -> Where:
    return Where(request.account, request.region)


def _spread(
    sources: Sources,
    report: StatsReport,
    stats: dict[str, ModelStats],
    rollups: list[Rollup],
    source: str,
    start: datetime,
    end: datetime,
    request: StatsRequest,
) -> None:
    """Spend per model, its hourly series and the budgets, from ``rollups``."""
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
        totals, reasons = feedback_and_reasons(reader, start, end, settings.feedback.namespace)
    except AwsError as exc:
        log.warning("feedback unavailable", extra={"reason": str(exc)})
        return
    for model, total in totals.items():
        if model in stats and total.votes:
            stats[model].feedback = total
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
        if any(
            wanted is not None and alert.labels.get(name, wanted) != wanted
            for name, wanted in (("region", request.region), ("account", request.account))
        ):
            continue  # another account's or region's alert
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
