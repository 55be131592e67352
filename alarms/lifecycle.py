"""Alert lifecycle decisions: given what was stored and what a rule sees now, what to do.

Pure functions with ``now`` passed in, in the manner of Alertmanager's notification
pipeline:

- the first firing notice of an episode goes out as soon as the alert is neither silenced
  nor inhibited nor inside its re-fire cooldown;
- while it keeps firing, a REPEAT goes out every ``repeat_interval`` unless it was
  acknowledged (or is muted);
- when it stops firing, a RESOLVED notice goes out if (and only if) its firing notice did;
- a re-fire within ``refire_cooldown`` of the last resolved notice is stored but not
  announced until the cooldown is over, so a flapping series costs at most one firing and
  one resolved message per cooldown, never a message per poll;
- a clock that went back never un-judges: an alert last judged after ``now`` is left as it
  is (no resolve, no refresh from older data), except that a condition firing now on an
  alert resolved "in the future" (by a clock that ran ahead) is a new episode, announced at
  once rather than after a cooldown that lies in the future.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from alarms.model import Alert, AlertState, Evaluation
from alarms.silences import Silence

DEFAULT_REPEAT_INTERVAL = timedelta(hours=4)
DEFAULT_REFIRE_COOLDOWN = timedelta(minutes=30)


class Notice(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"
    REPEAT = "repeat"  # still firing, ``repeat_interval`` after the last notice


class LifecycleError(ValueError):
    """An action does not apply to the alert's state (e.g. acknowledging a resolved alert)."""


@dataclass(frozen=True, slots=True)
class Decision:
    alert: Alert | None  # the state to store; None leaves the store as it is
    notice: Notice | None  # what to tell people, if anything


def decide(
    previous: Alert | None,
    evaluation: Evaluation,
    now: datetime,
    *,
    silence: Silence | None = None,
    inhibited_by: str | None = None,
) -> Decision:
    """The next stored state of one alert, and whether to notify.

    ``silence`` is the active silence covering the alert (see ``silences.silenced_by``);
    ``inhibited_by`` the fingerprint of a firing alert that holds this one back.
    """
    was_firing = previous is not None and previous.state is AlertState.FIRING
    from_the_future = previous is not None and now < previous.updated_at
    if from_the_future and (was_firing or not evaluation.firing):
        return Decision(None, None)  # never judge a period older than one already judged
    if evaluation.firing:
        if was_firing and previous is not None:
            alert = _refresh(previous, evaluation, now)
        else:
            alert = _from_evaluation(evaluation, now, started=evaluation.onset)
            if (
                previous is not None
                and not from_the_future
                and previous.quiet_until
                and previous.quiet_until > now
            ):
                alert = alert.model_copy(update={"quiet_until": previous.quiet_until})
        alert = alert.model_copy(
            update={"silenced_by": silence.id if silence else None, "inhibited_by": inhibited_by}
        )
        return Decision(alert, _firing_notice(alert, evaluation, now))
    if was_firing and previous is not None:
        update: dict[str, object] = {
            "value": previous.value if evaluation.value is None else evaluation.value,
            "peak": _peak(previous.peak, previous.value),
            "state": AlertState.RESOLVED,
            "resolved_at": now,
            "updated_at": now,
            "silenced_by": None,
            "inhibited_by": None,
        }
        if previous.announced:
            update["quiet_until"] = now + _minutes(
                evaluation.refire_cooldown_minutes, DEFAULT_REFIRE_COOLDOWN
            )
        notice = Notice.RESOLVED if previous.announced else None
        return Decision(previous.model_copy(update=update), notice)
    return Decision(None, None)


def mark_notified(alert: Alert, now: datetime) -> Alert:
    """The alert after a notice about it was delivered at ``now``."""
    return alert.model_copy(
        update={
            "last_notified_at": now,
            "notifications": alert.notifications + 1,
            "announced": alert.announced or alert.state is AlertState.FIRING,
        }
    )


def acknowledge(alert: Alert, user: str, now: datetime) -> Alert:
    """The firing alert acknowledged by ``user``: no more repeats; its resolved notice stays.

    Acknowledging twice keeps the first acknowledgement; the time it was last judged
    (``updated_at``) is left alone. Raises LifecycleError when the alert is not firing.
    """
    if alert.state is not AlertState.FIRING:
        raise LifecycleError(f"the {alert.rule} alert is already {alert.state.value}")
    if alert.acknowledged_at is not None:
        return alert
    # ``updated_at`` is the time the alert was last judged on data; a click is not a
    # judgement, and its wall-clock time must not block judging the data periods after it.
    return alert.model_copy(update={"acknowledged_by": user, "acknowledged_at": now})


def _firing_notice(alert: Alert, evaluation: Evaluation, now: datetime) -> Notice | None:
    if alert.muted or (alert.quiet_until is not None and now < alert.quiet_until):
        return None
    if not alert.announced:
        return Notice.FIRING
    if alert.acknowledged_at is not None:
        return None
    repeat = _minutes(evaluation.repeat_interval_minutes, DEFAULT_REPEAT_INTERVAL)
    if alert.last_notified_at is None or now - alert.last_notified_at >= repeat:
        return Notice.REPEAT
    return None


def _minutes(value: int | None, default: timedelta) -> timedelta:
    return default if value is None else timedelta(minutes=value)


def _from_evaluation(evaluation: Evaluation, now: datetime, started: datetime | None) -> Alert:
    return Alert(
        fingerprint=evaluation.fingerprint,
        rule=evaluation.rule,
        labels=evaluation.labels,
        state=AlertState.FIRING,
        severity=evaluation.severity,
        value=evaluation.value,
        peak=evaluation.value,
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
            "peak": _peak(previous.peak, evaluation.value),
            "severity": evaluation.severity,
            "threshold": evaluation.threshold,
            "baseline": evaluation.baseline,
            "summary": evaluation.summary,
            "details": evaluation.details,
            "updated_at": now,
        }
    )


def _peak(peak: float | None, value: float | None) -> float | None:
    known = [v for v in (peak, value) if v is not None]
    return max(known) if known else None
