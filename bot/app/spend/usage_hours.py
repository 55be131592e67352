"""The roll-ups budgets judge: every target's new invocation logs read first, or estimated.

For each target region, in parallel with a bound: where its logs are (asked once, again
hourly while logging is off); with logging on, its new records read into the roll-ups
(``pull``); with logging off, an estimate from its CloudWatch token metrics. Then the stored
roll-ups are loaded once, so a budget spanning targets is judged on all of them together. A
target that fails is named in the poll report while the others count; when every target
fails, the check fails as a whole.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from alarms.rollup import Rollup, compacted
from bot.adapters.aws.errors import AwsError
from bot.adapters.aws.invocation_logs import LoggingStatus
from bot.adapters.store import StateStore, StoreError
from bot.adapters.store.rollups import RollupStore
from bot.app.spend.targets import UsageTarget, each_target

log = logging.getLogger(__name__)
RECHECK_LOGGING = timedelta(hours=1)


@dataclass(frozen=True)
class UsageHours:
    rollups: list[Rollup]
    estimated: bool  # some target's spend is an estimate from CloudWatch metrics
    logged: bool  # some target's spend comes from invocation logs (callers and tags known)
    failures: tuple[str, ...] = ()  # one line per target that could not be read


class TargetUsage:
    """Reads the usage of every target region; the budget check's source of roll-ups."""

    def __init__(
        self,
        store: StateStore,
        targets: Sequence[UsageTarget],
        *,
        pull: bool = True,
        parallel: int = 4,
    ) -> None:
        self.rollups = RollupStore(store)
        self.targets = tuple(targets)
        self.pull = pull
        self.parallel = parallel
        self._status: dict[str, tuple[LoggingStatus, datetime]] = {}

    def logging(self, target: UsageTarget, now: datetime) -> LoggingStatus:
        """Where the target's invocation logs are; asked again hourly while logging is off."""
        known = self._status.get(target.key)
        if known is None or (not known[0].on and now - known[1] >= RECHECK_LOGGING):
            status = target.status()
            if status.unknown:  # could not ask: not "off"; the poll names it, the next asks
                raise AwsError(status.detail) from status.error
            self._status[target.key] = known = (status, now)
            if not status.on:
                log.warning(
                    "invocation logging is off",
                    extra={"target": target.name or "default", "detail": status.detail},
                )
        return known[0]

    def hours(
        self,
        start: datetime,
        now: datetime,
        *,
        load_from: datetime,
        hourly_since: datetime,
        estimate: bool = True,
    ) -> UsageHours:
        """New records read from ``start`` (on a first read), then the roll-ups since
        ``load_from``, hourly since ``hourly_since`` and per day before; ``estimate``: whether
        a target without logging is estimated (False when no budget needs it)."""
        outcomes = each_target(
            self.targets, lambda t: self._read(t, start, now, estimate), self.parallel
        )
        failed = [o for o in outcomes if o.error is not None]
        if failed and len(failed) == len(outcomes):
            first = failed[0].error
            if len(outcomes) == 1 and isinstance(first, AwsError | StoreError):
                raise first
            raise AwsError("; ".join(o.failure for o in failed)) from first
        for outcome in failed:
            log.warning(
                "target not read; the others count",
                extra={"target": outcome.target.name, "reason": outcome.failure},
            )
        read = [o.value for o in outcomes if o.error is None]
        estimates = [r for value in read if isinstance(value, list) for r in value]
        logged = any(value is None for value in read)
        found: list[Rollup] = []
        if logged:
            found = list(self.rollups.iter_hours(load_from, now + timedelta(hours=1)))
        return UsageHours(
            compacted([*found, *estimates], hourly_since),
            estimated=len(estimates) > 0 or any(isinstance(v, list) for v in read),
            logged=logged,
            failures=tuple(o.failure for o in failed),
        )

    def _read(
        self, target: UsageTarget, start: datetime, now: datetime, estimate: bool
    ) -> list[Rollup] | None:
        """None when the target's logs were read into the store, else its estimate."""
        status = self.logging(target, now)
        if not status.on or status.log_group is None:
            return target.estimated(start, now) if estimate else []
        if self.pull:
            report = target.ingest(status.log_group).run(start, now)
            if report.stopped:
                log.info("usage read stopped early", extra={"reason": report.stopped})
            if report.malformed:
                log.warning(
                    "malformed invocation-log records skipped",
                    extra={"count": report.malformed, "target": target.name or "default"},
                )
        return None
