"""Target regions run in parallel within the bound, and one failing never stops the others."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from alarms.model import Evaluation
from bot.adapters.aws.errors import AwsError
from bot.app.poll.report import CycleReport
from bot.app.poll.target_checks import TargetChecks, TargetScope

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


class Counting:
    """A poll check that reports one model and records how many run at the same time."""

    name = "metrics"

    def __init__(self, meter: dict[str, int], lock: threading.Lock, fail: Exception | None = None):
        self.meter, self.lock, self.fail = meter, lock, fail

    def evaluate(self, now: datetime, report: CycleReport) -> list[Evaluation]:
        with self.lock:
            self.meter["now"] += 1
            self.meter["peak"] = max(self.meter["peak"], self.meter["now"])
        time.sleep(0.05)
        with self.lock:
            self.meter["now"] -= 1
        if self.fail is not None:
            raise self.fail
        report.api_calls += 1
        report.models.append("m")
        return [Evaluation(rule="error_rate", labels={"model": "m"}, firing=True)]


def scope(name: str, check: Counting, account: str = "111122223333") -> TargetScope:
    return TargetScope(name, lambda: {"account": account, "region": name.split()[1]}, [check])


def test_targets_run_at_most_max_parallel_at_once_and_merge_their_counts() -> None:
    meter, lock = {"now": 0, "peak": 0}, threading.Lock()
    scopes = [scope(f"t{i} us-east-{i}", Counting(meter, lock)) for i in range(1, 6)]
    report = CycleReport(started_at=NOW)

    found = TargetChecks(scopes, max_parallel=2).evaluate(NOW, report)

    assert meter["peak"] == 2
    assert report.api_calls == 5 and report.models == ["m"] * 5
    assert [e.labels["region"] for e in found] == [f"us-east-{i}" for i in range(1, 6)]
    assert len({e.fingerprint for e in found}) == 5  # one alert per target region


def test_a_failing_target_is_named_and_the_others_still_evaluate() -> None:
    meter, lock = {"now": 0, "peak": 0}, threading.Lock()
    denied = AwsError("cloudwatch:ListMetrics AWS/Bedrock/Invocations: AccessDenied: no")

    def refused() -> dict[str, str]:
        raise AwsError("access denied (AssumeRole): not authorized")

    scopes = [
        scope("a us-east-1", Counting(meter, lock)),
        scope("b us-west-2", Counting(meter, lock, fail=denied)),
        TargetScope("c eu-west-1", refused, [Counting(meter, lock)]),
        scope("d eu-west-2", Counting(meter, lock, fail=RuntimeError("boom"))),
    ]
    report = CycleReport(started_at=NOW)

    found = TargetChecks(scopes, max_parallel=4).evaluate(NOW, report)

    assert [e.labels["region"] for e in found] == ["us-east-1"]
    assert report.target_failures == {
        "b us-west-2": f"metrics: {denied}",
        "c eu-west-1": "access denied (AssumeRole): not authorized",
        "d eu-west-2": "metrics: unexpected RuntimeError",
    }
    assert report.failures == [
        f"b us-west-2: metrics: {denied}",
        "c eu-west-1: access denied (AssumeRole): not authorized",
        "d eu-west-2: metrics: unexpected RuntimeError",
    ]
    assert report.targets == ["a us-east-1", "b us-west-2", "c eu-west-1", "d eu-west-2"]
