from __future__ import annotations

from datetime import timedelta

from alarms.lifecycle import Notice, decide, mark_notified
from alarms.model import AlertState, Evaluation
from tests.support.series import T0


def evaluation(firing: bool, value: float = 2600) -> Evaluation:
    return Evaluation(
        rule="latency_spike",
        labels={"model": "m"},
        firing=firing,
        value=value,
        baseline=1000,
        threshold=1500,
        unit="ms",
        onset=T0,
        summary="x",
    )


def test_first_firing_notifies() -> None:
    decision = decide(None, evaluation(True), T0)
    assert decision.notice is Notice.FIRING
    assert decision.alert is not None and decision.alert.state is AlertState.FIRING
    assert decision.alert.started_at == T0


def test_still_firing_is_silent_but_refreshes_value() -> None:
    first = mark_notified(decide(None, evaluation(True), T0).alert, T0)  # type: ignore[arg-type]
    later = decide(first, evaluation(True, value=3000), T0 + timedelta(minutes=5))
    assert later.notice is None
    assert later.alert is not None and later.alert.value == 3000
    assert later.alert.notifications == 1


def test_recovery_notifies_resolved_once() -> None:
    first = decide(None, evaluation(True), T0).alert
    assert first is not None
    resolved = decide(first, evaluation(False), T0 + timedelta(minutes=20))
    assert resolved.notice is Notice.RESOLVED
    assert resolved.alert is not None and resolved.alert.resolved_at == T0 + timedelta(minutes=20)
    again = decide(resolved.alert, evaluation(False), T0 + timedelta(minutes=25))
    assert again.notice is None and again.alert is None


def test_quiet_and_never_fired_stores_nothing() -> None:
    decision = decide(None, evaluation(False), T0)
    assert decision.alert is None and decision.notice is None


def test_fingerprint_is_stable_and_label_order_free() -> None:
    a = Evaluation(rule="r", labels={"model": "m", "x": "1"}, firing=True)
    b = Evaluation(rule="r", labels={"x": "1", "model": "m"}, firing=True)
    c = Evaluation(rule="r", labels={"model": "other", "x": "1"}, firing=True)
    assert a.fingerprint == b.fingerprint != c.fingerprint
