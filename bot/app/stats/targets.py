"""``/genai-stats`` over several target regions: each one's metrics read, then merged.

Each picked target region (``account=``/``region=`` narrow the pick) is read with its own
CloudWatch reader, in parallel with a bound; a model seen in several is one row: counts are
summed, the latency figure is the invocation-weighted mean of the regions' figures, and the
latency chart takes the slowest region at each point. A target that cannot be read is one
line of the answer, never the end of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from alarms.reports import ModelStats
from bot.app.spend.gather import Where
from bot.app.spend.targets import UsageTarget, each_target
from bot.app.stats.metrics import metrics, previous
from bot.app.stats.request import StatsRequest

Read = tuple[dict[str, ModelStats], float | None]
SUMMED = ("invocations", "errors", "throttles", "input_tokens", "output_tokens")


@dataclass
class TargetMetrics:
    stats: dict[str, ModelStats] = field(default_factory=dict)
    previous: float | None = None
    failures: list[str] = field(default_factory=list)


def target_metrics(
    targets: Sequence[UsageTarget],
    request: StatsRequest,
    span: tuple[datetime, datetime, int],
    statistic: str,
    parallel: int = 4,
) -> TargetMetrics:
    """Every picked target's model figures over ``span`` (start, end, chart period)."""
    start, end, period = span
    where = Where(request.account, request.region)
    picked = [t for t in targets if t.reader is not None and where.picks(t)]
    named = where.named(targets)

    def read(target: UsageTarget) -> Read:
        if named.account and not target.default and target.place()[0] != named.account:
            return {}, None  # its account (asked of STS) is not the one asked for
        models = [m for m in target.reader.discover_models() if request.matches(m)]
        stats = {model: ModelStats(model) for model in models}
        metrics(target.reader, stats, start, end, period, statistic, request.length)
        return stats, previous(target.reader, models, start, request.length)

    found = TargetMetrics()
    for outcome in each_target(picked, read, parallel):
        if outcome.error is not None:
            found.failures.append(outcome.failure)
            continue
        stats, earlier = cast(Read, outcome.value)
        for model, figures in stats.items():
            found.stats[model] = merged(found.stats.get(model), figures)
        if earlier is not None:
            found.previous = (found.previous or 0.0) + earlier
    return found


def merged(held: ModelStats | None, more: ModelStats) -> ModelStats:
    """One model's figures of two regions as one row."""
    if held is None:
        return more
    weights = (held.invocations, more.invocations)
    for name in SUMMED:
        setattr(held, name, getattr(held, name) + getattr(more, name))
    latencies = [(v, w) for v, w in zip((held.latency_ms, more.latency_ms), weights, strict=True)]
    known = [(v, w) for v, w in latencies if v is not None]
    if known:
        total = sum(w for _, w in known)
        held.latency_ms = (
            sum(v * w for v, w in known) / total if total else max(v for v, _ in known)
        )
    points: dict[datetime, float] = dict(held.latency_series)
    for at, value in more.latency_series:
        points[at] = max(points.get(at, value), value)
    held.latency_series = sorted(points.items())
    return held
