"""Judging shares of calls once read: error and throttle rates per model, interventions per
guardrail. ``new_periods`` and a ``conclude_*`` make the stream that judges each on the
series' own baseline, kept in memory; ``judge_*`` judge a whole window at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from alarms import guardrails, rates
from alarms.adaptive import BaselineState
from alarms.model import Evaluation, SeriesKey
from alarms.periods import PeriodVerdict
from alarms.rules import ErrorRateRule, GuardrailSurgeRule, ThrottleRateRule
from alarms.shares import ShareRule, judge_share
from bot.app.poll.stream import Data, Judge, after

Counts = dict[datetime, float]
RateRule = ErrorRateRule | ThrottleRateRule


def total(data: Data, keys: Iterable[SeriesKey]) -> Counts:
    """The period-wise sum of several count series."""
    out: Counts = {}
    for key in keys:
        for point in data[key].points:
            out[point.timestamp] = out.get(point.timestamp, 0.0) + point.value
    return out


@dataclass(frozen=True)
class RateSeries:
    """What a rate rule reads for one model: calls (invocations, throttles) and bad calls."""

    model: str
    calls: tuple[SeriesKey, SeriesKey]
    parts: Mapping[str, SeriesKey]

    def keys(self) -> tuple[SeriesKey, ...]:
        return tuple(dict.fromkeys((*self.calls, *self.parts.values())))

    def counts(self, data: Data) -> tuple[Counts, Counts]:
        """(bad calls, calls) per period."""
        attempts = rates.attempts(data[self.calls[0]].by_time(), data[self.calls[1]].by_time())
        return total(data, self.parts.values()), attempts


def judge_rate(rule: RateRule, series: RateSeries, period: int, data: Data) -> Evaluation:
    """The rate rule over a whole window (ceiling mode)."""
    events, attempts = series.counts(data)
    breakdown = {name: data[key].by_time() for name, key in series.parts.items()}
    return rates.evaluate(rule, series.model, events, attempts, period, breakdown)


def conclude_rate(
    rule: RateRule, series: RateSeries, period: int, data: Data, judged: list[PeriodVerdict]
) -> Evaluation:
    """The rate alert over the remembered verdicts."""
    events, attempts = series.counts(data)
    breakdown = {name: data[key].by_time() for name, key in series.parts.items()}
    return rates.evaluation_of(rule, series.model, judged, events, attempts, period, breakdown)


@dataclass(frozen=True)
class GuardrailKeys:
    """What the guardrail rule reads for one guardrail version."""

    guardrail: tuple[str, str]  # (arn, version)
    calls: SeriesKey
    totals: tuple[SeriesKey, ...]
    policy: Mapping[str, tuple[SeriesKey, ...]]
    source: Mapping[str, tuple[SeriesKey, ...]]

    def keys(self) -> tuple[SeriesKey, ...]:
        parts = (k for ks in (*self.policy.values(), *self.source.values()) for k in ks)
        return tuple(dict.fromkeys((self.calls, *self.totals, *parts)))

    def counts(self, data: Data) -> tuple[Counts, Counts]:
        """(interventions, invocations) per period."""
        return total(data, self.totals), data[self.calls].by_time()


def judge_guardrail(
    rule: GuardrailSurgeRule, series: GuardrailKeys, period: int, data: Data
) -> Evaluation:
    """The guardrail rule over a whole window, from a fresh baseline."""
    hits, calls = series.counts(data)
    judged = guardrails.verdicts(rule, rates.share(hits, calls), calls, hits)
    return conclude_guardrail(rule, series, period, data, judged)


def conclude_guardrail(
    rule: GuardrailSurgeRule,
    series: GuardrailKeys,
    period: int,
    data: Data,
    judged: list[PeriodVerdict],
) -> Evaluation:
    """The guardrail alert over the remembered verdicts."""
    return guardrails.evaluation_of(
        rule,
        series.guardrail,
        judged,
        series.counts(data),
        period,
        by_policy={name: total(data, keys) for name, keys in series.policy.items()},
        by_source={name: total(data, keys) for name, keys in series.source.items()},
    )


def new_periods(rule: ShareRule, series: RateSeries | GuardrailKeys, period: int) -> Judge:
    """Judges the shares of the periods after the newest judged one on ``rule``'s baseline
    (the adaptive mode of a rate rule; every guardrail rule)."""

    def judge(
        data: Data, state: BaselineState | None, done: float | None
    ) -> tuple[list[PeriodVerdict], BaselineState]:
        bad, calls = series.counts(data)
        fresh = after(rates.share(bad, calls), done)
        return judge_share(rule, state, fresh, calls, bad, period)

    return judge
