"""How bad an alert is: the rule's own severity, raised to critical by the size of the problem.

Every rule has a configured severity (``warning`` unless set). ``SeverityPolicy`` says when
the size of what a rule saw makes it critical regardless: a high share of server errors or
throttled calls, a latency many times its usual, a budget spent, a budget that runs out
within the hour. Escalation only ever raises a severity, never lowers it.
"""

from __future__ import annotations

from pydantic import Field

from alarms.model import Evaluation, Frozen, Severity

RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


class SeverityPolicy(Frozen):
    """When an alert becomes critical; ``[severity]`` in the settings file."""

    error_rate_critical_percent: float = Field(
        default=10.0, gt=0, le=100, description="Server errors at or above this share of calls."
    )
    throttle_rate_critical_percent: float = Field(
        default=25.0, gt=0, le=100, description="Throttled calls at or above this share."
    )
    latency_critical_ratio: float = Field(
        default=3.0, gt=1, description="Latency at or above this many times its usual."
    )
    budget_critical_percent: float = Field(
        default=100.0, gt=0, description="Budget spend at or above this share of the amount."
    )
    burn_rate_critical_hours: float = Field(
        default=1.0, gt=0, description="What is left of a budget runs out within this many hours."
    )


def worst(*severities: Severity) -> Severity:
    """The most severe of ``severities``."""
    return max(severities, key=RANK.__getitem__)


def critical(evaluation: Evaluation, policy: SeverityPolicy) -> bool:
    """Whether the size of what ``evaluation`` saw makes it critical under ``policy``."""
    value, details = evaluation.value, evaluation.details
    if value is None:
        return False
    if evaluation.rule == "error_rate":
        return value >= policy.error_rate_critical_percent
    if evaluation.rule == "throttle_rate":
        return value >= policy.throttle_rate_critical_percent
    if evaluation.rule == "latency_spike":
        return bool(evaluation.baseline) and value / evaluation.baseline >= (  # type: ignore[operator]
            policy.latency_critical_ratio
        )
    if evaluation.rule == "budget_threshold":
        amount = _number(details.get("amount_usd"))
        return amount is not None and value >= amount * policy.budget_critical_percent / 100
    if evaluation.rule == "budget_burn_rate":
        left = _number(details.get("left_usd"))
        return left is not None and value > 0 and left / value <= policy.burn_rate_critical_hours
    return False


def grade(evaluation: Evaluation, policy: SeverityPolicy | None) -> Evaluation:
    """``evaluation`` with its severity raised to critical when ``policy`` says so."""
    if policy is None or not evaluation.firing or not critical(evaluation, policy):
        return evaluation
    severity = worst(evaluation.severity, Severity.CRITICAL)
    return evaluation.model_copy(update={"severity": severity})


def _number(text: str | None) -> float | None:
    try:
        return None if text is None else float(text)
    except ValueError:
        return None
