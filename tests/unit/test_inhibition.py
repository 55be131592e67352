from __future__ import annotations

import pytest

from alarms.inhibition import InhibitRule, inhibitions
from alarms.lifecycle import decide
from alarms.model import Evaluation
from tests.support.series import T0


def ev(rule: str, model: str, firing: bool = True, **labels: str) -> Evaluation:
    return Evaluation(rule=rule, labels={"model": model, **labels}, firing=firing)


LAT_A = ev("latency_spike", "a")
TTFT_A = ev("latency_spike", "a", metric="TimeToFirstToken")
THR_A = ev("throttle_rate", "a")
ERR_A = ev("error_rate", "a")
LAT_B = ev("latency_spike", "b")


@pytest.mark.parametrize(
    ("case", "evaluations", "held"),
    [
        ("throttling holds back the same model's latency", [LAT_A, THR_A], [(LAT_A, THR_A)]),
        ("server errors too", [ERR_A, LAT_A], [(LAT_A, ERR_A)]),
        (
            "both latency alerts of the model",
            [LAT_A, TTFT_A, THR_A],
            [(LAT_A, THR_A), (TTFT_A, THR_A)],
        ),
        ("another model's latency is not held", [LAT_B, THR_A], []),
        ("a calm cause holds nothing", [LAT_A, ev("throttle_rate", "a", False)], []),
        ("latency alone is announced", [LAT_A], []),
        ("latency never holds back throttling", [THR_A, LAT_A], [(LAT_A, THR_A)]),
    ],
)
def test_inhibition_table(
    case: str, evaluations: list[Evaluation], held: list[tuple[Evaluation, Evaluation]]
) -> None:
    expected = {target.fingerprint: cause.fingerprint for target, cause in held}
    assert inhibitions(evaluations) == expected, case


def test_custom_rules_and_the_stats_query() -> None:
    rule = InhibitRule(sources=("latency_spike",), targets=("error_rate",))
    held = inhibitions([LAT_A, ERR_A], [rule])
    assert held == {ERR_A.fingerprint: LAT_A.fingerprint}
    alert = decide(None, LAT_A, T0, inhibited_by=THR_A.fingerprint).alert
    plain = decide(None, LAT_B, T0).alert
    assert alert is not None and plain is not None
    assert alert.inhibited_by == THR_A.fingerprint and plain.inhibited_by is None
