"""The bot's own cost: what the last poll cycle read, kept in the state store.

``/genai-stats`` and ``check-config`` read it back; the document is kind ``poll_report``,
key ``last``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel

from alarms.rules import Rule
from bot.adapters.aws.discovery import GuardrailSeries, Inventory
from bot.adapters.store import StateStore
from bot.app.poll.metric_plans import plans
from bot.app.poll.report import CycleReport, monthly_cost_usd

KIND, KEY = "poll_report", "last"
POLICY_TYPES = (
    "ContentPolicy",
    "TopicPolicy",
    "WordPolicy",
    "SensitiveInformationPolicy",
    "ContextualGroundingPolicy",
)


class LastCycle(BaseModel):
    """A summary of one poll cycle and what polling like that costs per month."""

    at: datetime
    models: int
    guardrails: int
    metrics_requested: int
    api_calls: int
    datapoints_requested: int = 0
    notices: int
    failures: int
    interval_seconds: int
    targets: int = 1  # target regions read
    failed_targets: list[str] = []  # "prod us-west-2: access denied (AssumeRole): ..."

    @property
    def monthly_cost_usd(self) -> float:
        return monthly_cost_usd(self.metrics_requested, self.interval_seconds)

    def describe(self) -> str:
        where = f" over {self.targets} target regions" if self.targets > 1 else ""
        return (
            f"{self.metrics_requested} metrics in {self.api_calls} API calls per cycle "
            f"({self.datapoints_requested:,} datapoints) for {self.models} models and "
            f"{self.guardrails} guardrails{where} with data in the last 3 h (idle ones are not "
            "read): "
            f"about ${self.monthly_cost_usd:,.2f}/month at a {self.interval_seconds}s interval"
            + "".join(f"; failing: {line}" for line in self.failed_targets)
        )


class PollHistory:
    def __init__(self, store: StateStore) -> None:
        self.store = store

    def save(self, report: CycleReport, interval_seconds: int) -> LastCycle:
        last = LastCycle(
            at=report.started_at,
            models=len(report.models),
            guardrails=len(report.guardrails),
            metrics_requested=report.metrics_requested,
            api_calls=report.api_calls,
            datapoints_requested=report.datapoints_requested,
            notices=len(report.notices),
            failures=len(report.failures),
            interval_seconds=interval_seconds,
            targets=len(report.targets) or 1,
            failed_targets=[f"{t}: {why}" for t, why in report.target_failures.items()],
        )
        self.store.put(KIND, KEY, last.model_dump(mode="json"))
        return last

    def last(self) -> LastCycle | None:
        record = self.store.get(KIND, KEY)
        return None if record is None else LastCycle.model_validate(record.body)


def series_per_subject(rules: tuple[Rule, ...], statistic: str = "p90") -> tuple[int, int, int]:
    """Series the metric rules read for one model, one streaming model, and one guardrail
    (with every policy type and both content sources)."""
    dims = (("GuardrailArn", "g"), ("GuardrailVersion", "1"))
    guardrail = GuardrailSeries(
        arn="g",
        version="1",
        invocations=dims,
        intervened=(dims,),
        by_policy={p: ((*dims, ("GuardrailPolicyType", p)),) for p in POLICY_TYPES},
        by_source={s: ((*dims, ("GuardrailContentSource", s)),) for s in ("Input", "Output")},
    )

    def count(inventory: Inventory) -> int:
        return len({key for plan in plans(rules, inventory, statistic, 300) for key in plan.keys})

    at = datetime(2000, 1, 1, tzinfo=UTC)  # only a label on a throwaway inventory
    plain = count(Inventory(["m"], frozenset(), [], at))
    streaming = count(Inventory(["m"], frozenset({"m"}), [], at))
    return plain, streaming, count(Inventory([], frozenset(), [guardrail], at))
