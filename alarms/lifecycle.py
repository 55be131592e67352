"""Alert lifecycle decisions: given what was stored and what a rule sees now, what to do.

Pure functions with ``now`` passed in, in the manner of Alertmanager's notification
pipeline: notify on first firing, stay quiet while nothing changes, notify on resolve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from alarms.model import Alert, AlertState, Evaluation


class Notice(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class Decision:
    alert: Alert | None  # the state to store; None leaves the store as it is
    notice: Notice | None  # what to tell people, if anything


def decide(previous: Alert | None, evaluation: Evaluation, now: datetime) -> Decision:
    """The next stored state of one alert, and whether to notify."""
    was_firing = previous is not None and previous.state is AlertState.FIRING
    if evaluation.firing and not was_firing:
        alert = _from_evaluation(evaluation, AlertState.FIRING, now, started=evaluation.onset)
        return Decision(alert, Notice.FIRING)
    if evaluation.firing and previous is not None:
        return Decision(_refresh(previous, evaluation, now), None)
    if was_firing and previous is not None:
        resolved = previous.model_copy(
            update={"state": AlertState.RESOLVED, "resolved_at": now, "updated_at": now}
        )
        return Decision(resolved, Notice.RESOLVED)
    return Decision(None, None)


def mark_notified(alert: Alert, now: datetime) -> Alert:
    return alert.model_copy(
        update={"last_notified_at": now, "notifications": alert.notifications + 1}
    )


def _from_evaluation(
    evaluation: Evaluation, state: AlertState, now: datetime, started: datetime | None
) -> Alert:
    return Alert(
        fingerprint=evaluation.fingerprint,
        rule=evaluation.rule,
        labels=evaluation.labels,
        state=state,
        severity=evaluation.severity,
        value=evaluation.value,
        threshold=evaluation.threshold,
        baseline=evaluation.baseline,
        unit=evaluation.unit,
        summary=evaluation.summary,
        details=evaluation.details,
        started_at=started or now,
        updated_at=now,
    )


def _refresh(previous: Alert, evaluation: Evaluation, now: datetime) -> Alert:
    return previous.model_copy(
        update={
            "value": evaluation.value,
            "threshold": evaluation.threshold,
            "baseline": evaluation.baseline,
            "summary": evaluation.summary,
            "details": evaluation.details,
            "updated_at": now,
        }
    )
