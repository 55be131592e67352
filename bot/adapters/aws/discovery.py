"""What there is to watch: models and guardrails, found with ListMetrics and cached.

Discovery costs a few ListMetrics calls, so it runs once per ``ttl`` (default 15 minutes),
not every poll. Dimension lists are kept exactly as ListMetrics returns them (names in that
order): queries built from them then match what CloudWatch stored.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.adapters.aws.cloudwatch import BEDROCK, CloudWatchReader, Dimensions

GUARDRAILS = "AWS/Bedrock/Guardrails"
ARN, VERSION = "GuardrailArn", "GuardrailVersion"
POLICY, SOURCE = "GuardrailPolicyType", "GuardrailContentSource"
DEFAULT_TTL = timedelta(minutes=15)


@dataclass(frozen=True)
class GuardrailSeries:
    """The series of one guardrail version: calls, and interventions in total and by part."""

    arn: str
    version: str
    invocations: Dimensions
    intervened: tuple[Dimensions, ...]  # summed: one total series, or the parts' series
    by_policy: dict[str, tuple[Dimensions, ...]] = field(default_factory=dict)
    by_source: dict[str, tuple[Dimensions, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Inventory:
    models: list[str]
    streaming_models: frozenset[str]  # models that publish TimeToFirstToken
    guardrails: list[GuardrailSeries]
    found_at: datetime


class Discovery:
    """Caches the inventory for ``ttl``; ``now`` is passed in, so tests control time."""

    def __init__(
        self, reader: CloudWatchReader, ttl: timedelta = DEFAULT_TTL, *, active_only: bool = False
    ) -> None:
        self.reader = reader
        self.ttl = ttl
        self.active_only = active_only  # the poller: series with data in the last 3 hours
        self._cached: Inventory | None = None

    def inventory(self, now: datetime) -> Inventory:
        cached = self._cached
        if cached is not None and timedelta(0) <= now - cached.found_at < self.ttl:
            return cached
        active = self.active_only
        models = self.reader.discover_models(recently_active=active)
        streaming = frozenset(
            dims[0][1]
            for dims in self.reader.list_dimensions(
                BEDROCK, "TimeToFirstToken", recently_active=active
            )
            if len(dims) == 1 and dims[0][0] == "ModelId"
        )
        guardrails = guardrail_series(
            self.reader.list_dimensions(GUARDRAILS, "Invocations", recently_active=active),
            self.reader.list_dimensions(
                GUARDRAILS, "InvocationsIntervened", recently_active=active
            ),
        )
        self._cached = Inventory(models, streaming, guardrails, now)
        return self._cached


def guardrail_series(
    invocations: list[Dimensions], intervened: list[Dimensions]
) -> list[GuardrailSeries]:
    """Group ListMetrics results by guardrail version (dimension sets by Operation ignored)."""
    calls: dict[tuple[str, str], Dimensions] = {}
    for dims in invocations:
        found = _split(dims)
        if found and not found[1]:
            calls.setdefault(found[0], dims)
    totals: dict[tuple[str, str], list[Dimensions]] = defaultdict(list)
    parts: dict[tuple[tuple[str, str], frozenset[str]], list[tuple[dict[str, str], Dimensions]]]
    parts = defaultdict(list)
    for dims in intervened:
        found = _split(dims)
        if not found:
            continue
        key, extra = found
        if not extra:
            totals[key].append(dims)
        elif set(extra) <= {POLICY, SOURCE}:
            parts[(key, frozenset(extra))].append((extra, dims))
    policy = {key: _by(parts, key, POLICY) for key in calls}
    source = {key: _by(parts, key, SOURCE) for key in calls}
    out = []
    for key, call_dims in sorted(calls.items()):
        split = source[key] or policy[key]
        total = totals[key] or [d for series in split.values() for d in series]
        if not total:
            continue
        out.append(
            GuardrailSeries(
                arn=key[0],
                version=key[1],
                invocations=call_dims,
                intervened=tuple(total),
                by_policy={name: tuple(d) for name, d in sorted(policy[key].items())},
                by_source={name: tuple(d) for name, d in sorted(source[key].items())},
            )
        )
    return out


def _split(dims: Dimensions) -> tuple[tuple[str, str], dict[str, str]] | None:
    named = dict(dims)
    if ARN not in named or VERSION not in named:
        return None
    extra = {k: v for k, v in named.items() if k not in (ARN, VERSION)}
    return (named[ARN], named[VERSION]), extra


def _by(
    parts: dict[tuple[tuple[str, str], frozenset[str]], list[tuple[dict[str, str], Dimensions]]],
    key: tuple[str, str],
    name: str,
) -> dict[str, list[Dimensions]]:
    """Series of one guardrail split by ``name`` alone, else by ``name`` and the other part."""
    chosen = parts.get((key, frozenset({name}))) or parts.get((key, frozenset({POLICY, SOURCE})))
    grouped: dict[str, list[Dimensions]] = defaultdict(list)
    for extra, dims in chosen or []:
        grouped[extra[name]].append(dims)
    return grouped
