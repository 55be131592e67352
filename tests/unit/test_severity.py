"""Severity by rule and size: server errors, throttling, latency, budgets become critical."""

from __future__ import annotations

import pytest

from alarms.model import Evaluation, Severity
from alarms.severity import SeverityPolicy, grade


def judged(rule: str, value: float, baseline: float | None = None, **details: str) -> Evaluation:
    return Evaluation(
        rule=rule,
        labels={"model": "m"},
        firing=True,
        value=value,
        baseline=baseline,
        details=details,
    )


@pytest.mark.parametrize(
    ("evaluation", "severity"),
    [
        (judged("error_rate", 15.0), Severity.CRITICAL),  # 15% server errors
        (judged("error_rate", 6.0), Severity.WARNING),
        (judged("throttle_rate", 30.0), Severity.CRITICAL),
        (judged("throttle_rate", 12.0), Severity.WARNING),
        (judged("latency_spike", 2800, baseline=1000), Severity.WARNING),  # 2.8x usual
        (judged("latency_spike", 3100, baseline=1000), Severity.CRITICAL),
        (judged("budget_threshold", 19.5, amount_usd="19.00"), Severity.CRITICAL),
        (judged("budget_threshold", 15.4, amount_usd="19.00"), Severity.WARNING),
        (judged("budget_burn_rate", 8.0, left_usd="7.00"), Severity.CRITICAL),  # < 1 h left
        (judged("budget_burn_rate", 2.4, left_usd="7.00"), Severity.WARNING),
        (judged("guardrail_surge", 90.0), Severity.WARNING),
    ],
)
def test_default_policy(evaluation: Evaluation, severity: Severity) -> None:
    assert grade(evaluation, SeverityPolicy()).severity is severity


def test_the_policy_is_configurable_and_never_lowers_a_configured_severity() -> None:
    strict = SeverityPolicy(error_rate_critical_percent=5)
    assert grade(judged("error_rate", 6.0), strict).severity is Severity.CRITICAL
    loud = judged("guardrail_surge", 1.0).model_copy(update={"severity": Severity.CRITICAL})
    assert grade(loud, SeverityPolicy()).severity is Severity.CRITICAL
    quiet = judged("error_rate", 50.0).model_copy(update={"firing": False})
    assert grade(quiet, SeverityPolicy()).severity is Severity.WARNING
