"""Usage per target region: each read on its own, in parallel with a bound, failures apart.

A bot watching several accounts and regions reads each one's invocation logs with that
target's own session, cursor and dedupe window (``UsageIngest(target=key)``), or, where
logging is off, estimates its spend from its CloudWatch token metrics. One target failing
(role denied, throttled, region disabled) is reported by name and never stops the others;
budgets are then judged once over the roll-ups of every target.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from alarms.rollup import Rollup
from bot.adapters.aws.invocation_logs import LoggingStatus
from bot.app.spend.ingest import UsageIngest

T = TypeVar("T")


@dataclass(frozen=True)
class UsageTarget:
    """One target region's sources of usage, built by the bootstrap."""

    name: str  # how messages name it, e.g. "prod us-west-2" ("" for a bot with no targets)
    key: str  # names it in store keys ("" for a bot with no targets)
    place: Callable[[], tuple[str, str]]  # (account, region), for roll-ups not saying theirs
    status: Callable[[], LoggingStatus]
    ingest: Callable[[str], UsageIngest]
    estimate: Callable[[datetime, datetime], list[Rollup]]
    explain: Callable[[BaseException], str] = field(default=str, compare=False)
    label: str = ""  # the target's name (or account id); "" for a bot with no targets
    account: str | None = None  # the account id when the settings tell it
    region: str = ""
    reader: Any = field(default=None, compare=False)  # its CloudWatchReader, for stats

    @property
    def default(self) -> bool:
        """The one target of a bot with no ``[[aws.targets]]``."""
        return not self.key

    def estimated(self, start: datetime, end: datetime) -> list[Rollup]:
        """The CloudWatch estimate, labelled with this target's account and region."""
        rollups = self.estimate(start, end)
        account, region = self.place()
        for rollup in rollups:
            rollup.account, rollup.region = account, region
        return rollups


@dataclass
class TargetOutcome:
    """What reading one target gave: a value, or why it failed."""

    target: UsageTarget
    value: object = None
    error: BaseException | None = None

    @property
    def failure(self) -> str:
        """One line for people: "prod us-west-2: access denied (AssumeRole)"."""
        if self.error is None:
            return ""
        reason = self.target.explain(self.error)
        return f"{self.target.name}: {reason}" if self.target.name else reason


def each_target(
    targets: Sequence[UsageTarget], work: Callable[[UsageTarget], T], parallel: int = 4
) -> list[TargetOutcome]:
    """``work`` on every target, at most ``parallel`` at a time; outcomes in target order.

    An exception in one target's work is kept in its outcome, never raised.
    """

    def run(target: UsageTarget) -> TargetOutcome:
        try:
            return TargetOutcome(target, work(target))
        except Exception as exc:
            return TargetOutcome(target, error=exc)

    if len(targets) <= 1 or parallel <= 1:
        return [run(t) for t in targets]
    with ThreadPoolExecutor(max_workers=min(parallel, len(targets))) as pool:
        return list(pool.map(run, targets))
