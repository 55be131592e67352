"""The CloudWatch metric rules as one poll check: one batched read, then pure evaluation.

With a detector-state store each series remembers what it read and judged: a poll reads only
from its last read minus ``overlap`` (late datapoints) to the newest complete period, and a
series seen for the first time (or whose memory was discarded) warms up from the whole
``lookback`` once. Without one, every cycle reads the whole look-back, as a stateless poller.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from alarms.model import Evaluation, SeriesKey
from alarms.rules import Rule
from bot.adapters.aws.cloudwatch import CloudWatchReader
from bot.adapters.aws.discovery import DEFAULT_TTL, Discovery
from bot.adapters.store.detector_state import DetectorStateStore
from bot.app.poll.memories import Memories
from bot.app.poll.metric_plans import Plan, plans
from bot.app.poll.report import CycleReport, period_floor
from bot.app.poll.series_memory import SeriesMemory, merged, start_for, view

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MetricConfig:
    rules: tuple[Rule, ...]
    latency_statistic: str
    period_seconds: int
    lookback: timedelta
    discovery_ttl: timedelta = DEFAULT_TTL
    overlap: timedelta = timedelta(minutes=15)


class MetricRulesCheck:
    """Discovers models and guardrails (cached), reads every series in one batch, evaluates."""

    name = "metrics"

    def __init__(
        self,
        config: MetricConfig,
        reader: CloudWatchReader,
        discovery: Discovery | None = None,
        states: DetectorStateStore | None = None,
        namespace: str = "",
    ) -> None:
        self.config = config
        self.reader = reader
        self.discovery = discovery or Discovery(reader, config.discovery_ttl, active_only=True)
        self.states = states
        self.namespace = namespace  # a target region's key: its series never mix with others'

    def evaluate(self, now: datetime, report: CycleReport) -> list[Evaluation]:
        before = (self.reader.api_calls, self.reader.metrics_requested)
        points_before = self.reader.datapoints_requested
        end = period_floor(now, self.config.period_seconds)
        try:
            inventory = self.discovery.inventory(now)
            report.models = inventory.models
            report.guardrails = [f"{g.arn}:{g.version}" for g in inventory.guardrails]
            wanted = plans(
                self.config.rules,
                inventory,
                self.config.latency_statistic,
                self.config.period_seconds,
            )
            memories = Memories(self.states)
            data = self.reader.fetch_since(
                self._starts(wanted, memories, end), end, self.config.period_seconds
            )
        finally:
            report.api_calls += self.reader.api_calls - before[0]
            report.metrics_requested += self.reader.metrics_requested - before[1]
            report.datapoints_requested += self.reader.datapoints_requested - points_before
        out = []
        for plan in wanted:
            kept = memories.get(self._key(plan))
            memory = merged(kept, plan.keys, data, end, self.config.lookback)
            try:
                evaluation, memory = self._judge(plan, memory, end)
            except Exception as exc:  # one series' failure never stops the others
                log.exception("series not judged this cycle", extra={"series": plan.identity})
                report.failures.append(f"{plan.identity}: {type(exc).__name__}")
                continue
            memories.keep(self._key(plan), memory, now)
            out.append(evaluation)
        return out

    def _starts(
        self, wanted: list[Plan], memories: Memories, end: datetime
    ) -> dict[SeriesKey, datetime]:
        """Per series key, the earliest start any plan reading it needs (nothing already
        read, unless within the overlap)."""
        starts: dict[SeriesKey, datetime] = {}
        for plan in wanted:
            memory = memories.get(self._key(plan))
            period = timedelta(seconds=self.config.period_seconds)
            start = start_for(memory, end, self.config.lookback, self.config.overlap, period)
            if start >= end:
                continue  # the clock went back: nothing new to read
            for key in plan.keys:
                starts[key] = min(starts.get(key, start), start)
        return starts

    def _key(self, plan: Plan) -> str:
        """The series' name in the detector-state store (a bot without targets keeps its
        old keys)."""
        return f"{self.namespace}|{plan.identity}" if self.namespace else plan.identity

    def _judge(
        self, plan: Plan, memory: SeriesMemory, end: datetime
    ) -> tuple[Evaluation, SeriesMemory]:
        if plan.stream is not None:
            return plan.stream(memory, end, self.config.lookback)
        return plan.judge(view(memory, plan.keys, end - self.config.lookback)), memory
