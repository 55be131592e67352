"""A monitoring account's linked source accounts (CloudWatch cross-account observability),
each polled like a target of its own and labelled with its own account id.

The source accounts with Bedrock data are listed once per ``ttl`` (one ListMetrics call);
each gets its own checks (made once, so its discovery cache and detector memory last), run
one after the other; one account failing never stops the next.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from alarms.model import Evaluation
from bot.adapters.aws.errors import AwsError
from bot.adapters.store import StoreError
from bot.app.poll.poller import Check
from bot.app.poll.report import CycleReport
from bot.app.poll.target_checks import merge

log = logging.getLogger(__name__)


class LinkedAccountsCheck:
    """A poll check over every linked source account; evaluations carry ``account``."""

    name = "linked accounts"

    def __init__(
        self,
        accounts: Callable[[], list[str]],
        make: Callable[[str], list[Check]],
        ttl: timedelta = timedelta(minutes=15),
    ) -> None:
        self.accounts = accounts
        self.make = make
        self.ttl = ttl
        self._listed: tuple[list[str], datetime] | None = None
        self._checks: dict[str, list[Check]] = {}

    def evaluate(self, now: datetime, report: CycleReport) -> list[Evaluation]:
        out: list[Evaluation] = []
        for account in self._sources(now, report):
            part = CycleReport(started_at=now)  # each account's findings, merged after
            out += self._account(account, now, part)
            part.failures = [f"account {account}: {f}" for f in part.failures]
            merge(report, part)
        return out

    def _account(self, account: str, now: datetime, part: CycleReport) -> list[Evaluation]:
        out: list[Evaluation] = []
        for check in self._checks.setdefault(account, self.make(account)):
            try:
                found = check.evaluate(now, part)
            except (AwsError, StoreError) as exc:
                part.failures.append(f"{check.name}: {exc}")
                continue
            except Exception as exc:  # one account's failure never stops the next
                log.exception("linked account check crashed", extra={"account": account})
                part.failures.append(f"{check.name}: unexpected {type(exc).__name__}")
                continue
            labelled = {"account": account}
            out += [e.model_copy(update={"labels": {**e.labels, **labelled}}) for e in found]
        return out

    def _sources(self, now: datetime, report: CycleReport) -> list[str]:
        listed = self._listed
        if listed is None or not timedelta(0) <= now - listed[1] < self.ttl:
            report.api_calls += 1
            listed = (self.accounts(), now)
            self._listed = listed
        return listed[0]
