from __future__ import annotations

from datetime import timedelta

import pytest

from alarms.silences import Matcher, SilenceError, active, expire, new_silence, silenced_by
from tests.support.series import T0

SONNET = "anthropic.claude-3-5-sonnet-20240620-v1:0"
LABELS = {"model": SONNET}
GUARD = {"guardrail": "arn:aws:bedrock:us-east-1:111:guardrail/abc", "version": "1"}


@pytest.mark.parametrize(
    ("matcher", "rule", "labels", "fingerprint", "expected"),
    [
        (Matcher(rule="latency_spike"), "latency_spike", LABELS, "f1", True),
        (Matcher(rule="latency_spike"), "error_rate", LABELS, "f1", False),
        (Matcher(model=SONNET), "error_rate", LABELS, "f1", True),
        (Matcher(model="anthropic.*"), "latency_spike", LABELS, "f1", True),
        (Matcher(model="amazon.*"), "latency_spike", LABELS, "f1", False),
        (Matcher(model="anthropic.*"), "guardrail_surge", GUARD, "f2", False),
        (Matcher(guardrail="*guardrail/abc"), "guardrail_surge", GUARD, "f2", True),
        (Matcher(fingerprint="f1"), "latency_spike", LABELS, "f1", True),
        (Matcher(fingerprint="f1"), "latency_spike", LABELS, "f9", False),
        (Matcher(rule="latency_spike", model=SONNET), "latency_spike", LABELS, "f1", True),
        (Matcher(rule="latency_spike", model="amazon.*"), "latency_spike", LABELS, "f1", False),
    ],
)
def test_matcher_table(
    matcher: Matcher, rule: str, labels: dict[str, str], fingerprint: str, expected: bool
) -> None:
    assert matcher.matches(rule, labels, fingerprint) is expected


def test_an_empty_matcher_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one of rule, model"):
        Matcher()


def test_new_silence_by_duration_or_until() -> None:
    by_duration = new_silence(Matcher(model=SONNET), "U1", T0, duration=timedelta(hours=1), id="s1")
    assert by_duration.expires_at == T0 + timedelta(hours=1)
    assert by_duration.created_by == "U1" and by_duration.created_at == T0
    until = new_silence(Matcher(model=SONNET), "U1", T0, until=T0 + timedelta(days=1), id="s2")
    assert until.expires_at == T0 + timedelta(days=1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one of duration or until"),
        ({"duration": timedelta(hours=1), "until": T0}, "exactly one of duration or until"),
        ({"duration": timedelta(0)}, "end in the future"),
        ({"until": T0 - timedelta(minutes=1)}, "end in the future"),
        ({"duration": timedelta(hours=1), "id": ""}, "needs an id"),
    ],
)
def test_new_silence_refuses_bad_input(kwargs: dict[str, object], message: str) -> None:
    kwargs = {"id": "s1", **kwargs}
    with pytest.raises(SilenceError, match=message):
        new_silence(Matcher(model=SONNET), "U1", T0, **kwargs)  # type: ignore[arg-type]


def test_active_and_silenced_by_respect_expiry() -> None:
    hour = new_silence(Matcher(model=SONNET), "U1", T0, duration=timedelta(hours=1), id="a")
    day = new_silence(Matcher(rule="latency_spike"), "U2", T0, duration=timedelta(days=1), id="b")
    other = new_silence(Matcher(model="amazon.*"), "U3", T0, duration=timedelta(days=2), id="c")
    everything = [hour, day, other]
    assert [s.id for s in active(everything, T0)] == ["a", "b", "c"]
    assert [s.id for s in active(everything, T0 + timedelta(hours=2))] == ["b", "c"]
    assert active(everything, T0 - timedelta(seconds=1)) == []
    # the longest-lasting covering silence is reported
    assert silenced_by(everything, "latency_spike", LABELS, "f", T0).id == "b"  # type: ignore[union-attr]
    assert silenced_by(everything, "error_rate", LABELS, "f", T0).id == "a"  # type: ignore[union-attr]
    assert silenced_by(everything, "error_rate", LABELS, "f", T0 + timedelta(hours=1)) is None


def test_expire_ends_a_silence_now_and_is_idempotent() -> None:
    silence = new_silence(Matcher(model=SONNET), "U1", T0, duration=timedelta(hours=4), id="a")
    ended = expire(silence, T0 + timedelta(minutes=10))
    assert ended.expires_at == T0 + timedelta(minutes=10)
    assert not ended.is_active(T0 + timedelta(minutes=10))
    assert expire(ended, T0 + timedelta(hours=1)) == ended
