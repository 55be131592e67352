"""Metric checks per watched account and region, run in parallel with a bound.

Each target region has its own checks (its own CloudWatch reader, discovery cache and
detector-state namespace), judged on its own report; their counters are merged into the
cycle's report afterwards, on the poller's thread. A target that fails (the role cannot be
assumed, a call is refused or throttled, the region cannot be reached) is named in the report
with why, and never stops the other targets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from alarms.model import Evaluation
from bot.adapters.aws.errors import AwsError
from bot.adapters.store import StoreError
from bot.app.poll.poller import Check
from bot.app.poll.report import CycleReport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TargetScope:
    """One target region: its name in reports, its alert labels, and its checks.

    ``labels`` may call AWS (it assumes the role and asks the account id) and raise AwsError;
    the checks are any poll checks (``name`` and ``evaluate(now, report)``). A label an
    evaluation already has wins (a linked source account's ``account``).
    """

    name: str
    labels: Callable[[], dict[str, str]]
    checks: list[Check] = field(default_factory=list)


class TargetChecks:
    """A poll check that runs every target region's checks and labels their evaluations."""

    name = "targets"

    def __init__(self, scopes: list[TargetScope], max_parallel: int = 4) -> None:
        self.scopes = scopes
        self.max_parallel = max(1, max_parallel)

    def evaluate(self, now: datetime, report: CycleReport) -> list[Evaluation]:
        workers = min(self.max_parallel, len(self.scopes)) or 1
        with ThreadPoolExecutor(workers, thread_name_prefix="target") as pool:
            done = list(pool.map(lambda scope: self._one(scope, now), self.scopes))
        out: list[Evaluation] = []
        for scope, (evaluations, part) in zip(self.scopes, done, strict=True):
            merge(report, part)
            report.targets.append(scope.name)
            out += evaluations
        return out

    def _one(self, scope: TargetScope, now: datetime) -> tuple[list[Evaluation], CycleReport]:
        part = CycleReport(started_at=now)
        evaluations = self._run(scope, now, part)
        part.failures = [f"{scope.name}: {f}" for f in part.failures]
        return evaluations, part

    @staticmethod
    def _run(scope: TargetScope, now: datetime, part: CycleReport) -> list[Evaluation]:
        try:
            labels = scope.labels()
        except Exception as exc:  # AwsError, or anything: the other targets go on
            _failed(part, scope.name, "", _reason(exc))
            return []
        out: list[Evaluation] = []
        for check in scope.checks:
            try:
                found = check.evaluate(now, part)
            except Exception as exc:
                _failed(part, scope.name, check.name, _reason(exc))
                continue
            out += [e.model_copy(update={"labels": {**labels, **e.labels}}) for e in found]
        return out


def _reason(exc: Exception) -> str:
    if isinstance(exc, AwsError | StoreError):
        return str(exc)
    log.exception("target check crashed")
    return f"unexpected {type(exc).__name__}"


def _failed(report: CycleReport, target: str, check: str, reason: str) -> None:
    log.warning(
        "target failed this cycle; retried next cycle",
        extra={"target": target, "check": check, "reason": reason},
    )
    report.target_failures.setdefault(target, reason if not check else f"{check}: {reason}")
    report.failures.append(f"{check}: {reason}" if check else reason)


def merge(report: CycleReport, part: CycleReport) -> None:
    """Add one target region's findings and counters to the cycle's report."""
    report.models += part.models
    report.guardrails += part.guardrails
    report.failures += part.failures
    report.target_failures.update(part.target_failures)
    report.api_calls += part.api_calls
    report.metrics_requested += part.metrics_requested
    report.datapoints_requested += part.datapoints_requested
