from __future__ import annotations

import pytest

from alarms import guardrails
from alarms.rules import GuardrailSurgeRule
from tests.support.series import PERIOD, T0, traffic

RULE = GuardrailSurgeRule()  # > max(5%, 2x baseline, baseline + 5 points, 4 MAD); 3 of 5
GUARD = ("arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123", "3")
CALM = [4, 5, 3, 4, 6, 4, 5, 4, 3, 5, 4, 4]  # interventions per 100 calls: ~4%


def run(hits: list[float], calls: float = 100.0, rule: GuardrailSurgeRule = RULE, **parts):  # type: ignore[no-untyped-def]
    return guardrails.evaluate(
        rule, GUARD, traffic(hits), traffic([calls] * len(hits)), 300, **parts
    )


@pytest.mark.parametrize(
    ("case", "hits", "calls", "firing"),
    [
        ("usual interventions never fire", CALM * 2, 100.0, False),
        ("a surge to 30% fires after 3 periods", [*CALM, 30, 35, 32], 100.0, True),
        ("two surging periods are not enough", [*CALM, 30, 35], 100.0, False),
        ("a single burst is ignored", [*CALM, 60, 4, 5, 4], 100.0, False),
        ("8% is within twice the usual 4%", [*CALM, 8, 8, 8], 100.0, False),
        ("too few calls are not judged", [*CALM[:6], 3, 3, 3], 5.0, False),
        ("no baseline yet, no alert", [30, 35, 32], 100.0, False),
        ("resolves after 3 calm periods", [*CALM, 30, 35, 32, 4, 5, 4], 100.0, False),
    ],
)
def test_guardrail_table(case: str, hits: list[float], calls: float, firing: bool) -> None:
    assert run(hits, calls).firing is firing, case


def test_floor_keeps_a_near_zero_guardrail_quiet() -> None:
    quiet = [0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 2, 3, 2]
    # 2-3% against a ~0% baseline: above 2x baseline, but under the 5% absolute floor
    assert run(quiet, 100.0).firing is False


def test_alert_names_the_policy_types_and_side_that_drove_it() -> None:
    hits = [*CALM, 30, 35, 32]
    n = len(hits)
    content = traffic([2] * len(CALM) + [25, 30, 27])
    topic = traffic([2] * len(CALM) + [5, 5, 5])
    inputs = traffic([3] * len(CALM) + [27, 31, 29])
    outputs = traffic([1] * len(CALM) + [3, 4, 3])
    result = run(
        hits,
        by_policy={"ContentPolicy": content, "TopicPolicy": topic},
        by_source={"Input": inputs, "Output": outputs},
    )
    assert result.firing and result.labels == {"guardrail": GUARD[0], "version": "3"}
    assert result.onset == T0 + PERIOD * (n - 1)
    assert result.details["policy_types"] == "ContentPolicy 85%, TopicPolicy 15%"
    assert result.details["content_sources"] == "Input 90%, Output 10%"
    assert "mostly ContentPolicy on Input" in result.summary
    assert result.value == pytest.approx(32.0) and result.unit == "%"


def test_drivers_over_the_episode_only() -> None:
    parts = {"A": {T0: 100.0, T0 + PERIOD: 1.0}, "B": {T0: 0.0, T0 + PERIOD: 3.0}}
    assert guardrails.drivers(parts, [T0 + PERIOD]) == [("B", 0.75), ("A", 0.25)]
    assert guardrails.drivers(parts, [T0]) == [("A", 1.0)]
    assert guardrails.drivers({}, [T0]) == []


STRICT = [30, 29, 31, 30, 28, 32, 30, 31, 29, 30, 30, 31]  # a strict policy: ~30% always


def test_a_strict_guardrail_at_a_steady_30_percent_never_pages() -> None:
    result = run(STRICT * 6)
    assert result.firing is False
    assert result.baseline == pytest.approx(30.0, abs=1.0)


def test_a_jump_from_2_to_20_percent_pages_and_says_what_usual_is() -> None:
    usual = [2, 2, 1, 3, 2, 2, 2, 3, 1, 2, 2, 2]
    result = run([*usual * 2, 20, 21, 19])
    assert result.firing is True
    assert result.value == pytest.approx(19.0)
    assert result.details["usual"] == "usual (last 2 h): 2.0% intervened"
    assert result.summary.startswith("intervened on 19.0% of calls (usual 2.0%)")


def test_too_few_interventions_never_page_however_high_the_rate() -> None:
    # 4 of 20 calls is 20%, from 0%: under min_interventions (5), not evidence
    assert run([*[0] * 12, 4, 4, 4], calls=20.0).firing is False
    assert run(
        [*[0] * 12, 4, 4, 4], rule=RULE.model_copy(update={"min_interventions": 3}), calls=20.0
    ).firing


def test_a_guardrail_busy_by_day_is_judged_on_its_hour_and_says_so() -> None:
    """Day traffic trips the guardrail on ~10% of calls, night traffic on ~2%: after four
    days, 40% at 14:00 pages against the usual for 14:00, not against the whole day."""
    day = [10 if 8 <= (i // 12) % 24 < 20 else 2 for i in range(4 * 288)]
    hits = [v + (i * 7 % 3) - 1 for i, v in enumerate(day)]  # 1 point of wobble
    surge_at = 4 * 288 + 14 * 12  # 14:00 on the fifth day
    hits += [v + (i * 7 % 3) - 1 for i, v in enumerate(day[: 14 * 12], start=4 * 288)]
    result = run([*hits[:surge_at], 40, 42, 41])
    assert result.firing is True
    assert result.details["usual"] == "usual for 14:00: 10.0% intervened"
    calm = run(hits[:surge_at])
    assert calm.firing is False
