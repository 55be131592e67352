"""Spend of the watched targets for people (``spend``, ``/genai-stats``), filtered or grouped.

Each target region is asked where its logs are, in parallel with a bound: with logging on,
its spend is in the roll-ups the poller keeps; with logging off, it is estimated from its
CloudWatch token metrics. A target that cannot be asked becomes one line ("prod us-west-2:
access denied (AssumeRole)") beside the figures of the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from alarms.rollup import Rollup, Tally, hour_of
from bot.adapters.aws.errors import AwsError
from bot.adapters.aws.invocation_logs import OFF_HINT, LoggingStatus
from bot.adapters.store import StateStore
from bot.adapters.store.rollups import RollupStore
from bot.app.spend.summary import ESTIMATE, LOGS
from bot.app.spend.targets import UsageTarget, each_target

GroupBy = Literal["account", "region"]
MIXED = "invocation logs, and an estimate from CloudWatch token metrics where logging is off"
UNREAD = "no target could be read"


@dataclass(frozen=True)
class Where:
    """Which accounts and regions to show (None: all)."""

    account: str | None = None
    region: str | None = None

    def covers(self, rollup: Rollup) -> bool:
        return (self.account is None or rollup.account == self.account) and (
            self.region is None or rollup.region == self.region
        )

    def picks(self, target: UsageTarget) -> bool:
        """Whether the target may hold spend inside the filter (by its name, account id or
        region; a target whose account the settings do not tell is asked, then filtered)."""
        if target.default:
            return True
        if self.region is not None and target.region != self.region:
            return False
        return (
            self.account is None
            or target.account is None
            or self.account in (target.label, target.account)
        )

    def named(self, targets: Sequence[UsageTarget]) -> Where:
        """The filter with a target's name replaced by its account id (when known)."""
        for target in targets:
            if self.account == target.label and target.account:
                return Where(target.account, self.region)
        return self

    @property
    def text(self) -> str:
        parts = [f"account {self.account}" if self.account else "", self.region or ""]
        return ", ".join(p for p in parts if p)


EVERYWHERE = Where()


@dataclass
class Gathered:
    rollups: list[Rollup]
    source: str
    logging: LoggingStatus
    failures: list[str] = field(default_factory=list)

    @property
    def estimated(self) -> bool:
        return self.source != LOGS


def gather(
    store: StateStore,
    targets: Sequence[UsageTarget],
    start: datetime,
    end: datetime,
    where: Where = EVERYWHERE,
    parallel: int = 4,
) -> Gathered:
    """The roll-ups (or estimates) of every picked target over [start, end)."""
    picked = [t for t in targets if where.picks(t)]
    where = where.named(targets)

    def ask(target: UsageTarget) -> list[Rollup] | None:
        status = target.status()
        if status.unknown:
            raise AwsError(status.detail) from status.error
        if status.on:
            return None
        return target.estimated(start, end)

    outcomes = each_target(picked, ask, parallel)
    failures = [o.failure for o in outcomes if o.error is not None]
    read = [o.value for o in outcomes if o.error is None]
    estimates = [r for v in read if isinstance(v, list) for r in v if where.covers(r)]
    logged = any(v is None for v in read)
    found: list[Rollup] = []
    if logged:
        found = [r for r in RollupStore(store).hours(hour_of(start), end) if where.covers(r)]
    unread = bool(failures) and len(failures) == len(outcomes)
    if not logged and not estimates and unread:
        source = UNREAD
    elif not logged:
        source = ESTIMATE
    else:
        source = MIXED if any(isinstance(v, list) for v in read) else LOGS
    if logged:
        status = LoggingStatus("(per target)", "targets")
    elif unread:  # no target answered: whether logging is on is not known
        status = LoggingStatus(None, "unknown")
    else:
        status = LoggingStatus(None, "off", OFF_HINT)
    return Gathered([*found, *estimates], source, status, failures)


def grouped(rollups: Sequence[Rollup], by: GroupBy) -> list[tuple[str, Tally]]:
    """Spend per account (or region), highest first; "(unknown)" for unlabelled hours."""
    table: dict[str, Tally] = {}
    for rollup in rollups:
        key = (rollup.account if by == "account" else rollup.region) or "(unknown)"
        table.setdefault(key, Tally()).merge(rollup.total)
    return sorted(table.items(), key=lambda kv: (kv[1].usd, kv[1].calls), reverse=True)
