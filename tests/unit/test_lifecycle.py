from __future__ import annotations

from datetime import timedelta

import pytest

from alarms.lifecycle import LifecycleError, Notice, acknowledge, decide, mark_notified
from alarms.model import Alert, AlertState, Evaluation
from alarms.silences import Matcher, new_silence
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
    fired = decide(None, evaluation(True), T0).alert
    assert fired is not None
    first = mark_notified(fired, T0)  # the firing notice went out
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


# --- repeat, acknowledgement, silences, inhibition and flapping ---------------------------

MIN = timedelta(minutes=1)
SILENCE = new_silence(Matcher(model="m"), "U1", T0, duration=timedelta(hours=2), id="s1")


def run_polls(
    firing: list[bool],
    *,
    every: timedelta = 5 * MIN,
    silenced: range = range(0),
    inhibited: range = range(0),
    ack_at: int = -1,
    repeat_minutes: int | None = None,
    cooldown_minutes: int | None = None,
) -> list[Notice | None]:
    """Drive the lifecycle over polls as the poller does; returns the notice of each poll."""
    stored: Alert | None = None
    notices: list[Notice | None] = []
    for index, is_firing in enumerate(firing):
        now = T0 + every * index
        if index == ack_at and stored is not None:
            stored = acknowledge(stored, "U1", now)
        ev = evaluation(is_firing).model_copy(
            update={
                "repeat_interval_minutes": repeat_minutes,
                "refire_cooldown_minutes": cooldown_minutes,
            }
        )
        decision = decide(
            stored,
            ev,
            now,
            silence=SILENCE if index in silenced else None,
            inhibited_by="cause" if index in inhibited else None,
        )
        if decision.alert is not None:
            stored = decision.alert
            if decision.notice is not None:
                stored = mark_notified(stored, now)
        notices.append(decision.notice)
    return notices


F, R, P = Notice.FIRING, Notice.RESOLVED, Notice.REPEAT


@pytest.mark.parametrize(
    ("case", "kwargs", "expected"),
    [
        ("first, quiet, resolved", {"firing": [True, True, False]}, [F, None, R]),
        (
            "repeat after the interval, not before",
            {"firing": [True] * 5, "repeat_minutes": 10},
            [F, None, P, None, P],
        ),
        (
            "acknowledged: no repeats, still resolved",
            {"firing": [True] * 5 + [False], "repeat_minutes": 10, "ack_at": 1},
            [F, None, None, None, None, R],
        ),
        (
            "silenced from the start: never announced, silent resolve",
            {"firing": [True, True, False], "silenced": range(3)},
            [None, None, None],
        ),
        (
            "silence ends while firing: announced then",
            {"firing": [True, True, True], "silenced": range(2)},
            [None, None, F],
        ),
        (
            "silenced after the announcement: no repeat, resolved still closes it",
            {"firing": [True, True, True, False], "silenced": range(1, 4), "repeat_minutes": 5},
            [F, None, None, R],
        ),
        (
            "inhibited then released: announced once the cause clears",
            {"firing": [True, True, True, True], "inhibited": range(2)},
            [None, None, F, None],
        ),
        (
            "inhibited throughout: nothing",
            {"firing": [True, True, False], "inhibited": range(3)},
            [None, None, None],
        ),
        (
            "flapping each poll: one firing and one resolved per cooldown",
            {"firing": [True, False] * 6 + [True, True], "cooldown_minutes": 30},
            [F, R, None, None, None, None, None, None, F, R, None, None, None, None],
        ),
        (
            "re-fire after the cooldown is announced at once",
            {"firing": [True, False, False, False, True], "cooldown_minutes": 10},
            [F, R, None, None, F],
        ),
        (
            "re-fire inside the cooldown waits for it, then is announced",
            {"firing": [True, False, True, True, True, True], "cooldown_minutes": 15},
            [F, R, None, None, F, None],
        ),
    ],
)
def test_lifecycle_table(case: str, kwargs: dict, expected: list[Notice | None]) -> None:
    assert run_polls(**kwargs) == expected, case


def test_flapping_never_yields_a_message_per_poll() -> None:
    notices = run_polls([True, False] * 48)  # 8 hours of a series flipping every poll
    sent = [n for n in notices if n is not None]
    assert len(sent) <= 2 * (8 * 60 // 30) + 2
    assert len(sent) < len(notices) / 2


def test_acknowledge_records_who_and_when_once() -> None:
    alert = decide(None, evaluation(True), T0).alert
    assert alert is not None
    acked = acknowledge(alert, "U1", T0 + MIN)
    assert (acked.acknowledged_by, acked.acknowledged_at) == ("U1", T0 + MIN)
    assert acknowledge(acked, "U2", T0 + 2 * MIN) == acked


def test_acknowledging_a_resolved_alert_is_refused() -> None:
    alert = decide(None, evaluation(True), T0).alert
    resolved = decide(alert, evaluation(False), T0 + MIN).alert
    assert resolved is not None
    with pytest.raises(LifecycleError, match="already resolved"):
        acknowledge(resolved, "U1", T0 + 2 * MIN)


def test_a_new_episode_forgets_the_old_acknowledgement() -> None:
    first = mark_notified(decide(None, evaluation(True), T0).alert, T0)  # type: ignore[arg-type]
    acked = acknowledge(first, "U1", T0)
    resolved = decide(acked, evaluation(False), T0 + 10 * MIN).alert
    again = decide(resolved, evaluation(True), T0 + 2 * 60 * MIN).alert
    assert again is not None and again.acknowledged_by is None and not again.announced


def test_muted_alerts_record_why() -> None:
    decision = decide(None, evaluation(True), T0, silence=SILENCE, inhibited_by="abc")
    assert decision.alert is not None
    assert decision.alert.silenced_by == "s1" and decision.alert.inhibited_by == "abc"
    assert decision.alert.muted and decision.notice is None


def test_an_episode_keeps_its_peak_and_the_resolution_shows_the_value_now() -> None:
    first = mark_notified(decide(None, evaluation(True, 2600), T0).alert, T0)  # type: ignore[arg-type]
    worse = decide(first, evaluation(True, 4100), T0 + timedelta(minutes=5)).alert
    better = decide(worse, evaluation(True, 3000), T0 + timedelta(minutes=10)).alert
    assert better is not None and (better.value, better.peak) == (3000, 4100)
    done = decide(better, evaluation(False, 1020), T0 + timedelta(minutes=25)).alert
    assert done is not None and done.state is AlertState.RESOLVED
    assert (done.value, done.peak) == (1020, 4100)


def test_severity_follows_the_latest_evaluation_so_an_alert_can_become_critical() -> None:
    first = mark_notified(decide(None, evaluation(True), T0).alert, T0)  # type: ignore[arg-type]
    critical = evaluation(True, 5000).model_copy(update={"severity": "critical"})
    later = decide(first, critical, T0 + timedelta(minutes=5)).alert
    assert later is not None and later.severity == "critical"
