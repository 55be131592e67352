from __future__ import annotations

from bot.adapters.aws.discovery import guardrail_series

ARN = "arn:aws:bedrock:us-east-1:123456789012:guardrail/abc"


def dims(**extra: str) -> tuple[tuple[str, str], ...]:
    # the order ListMetrics returned (version first here, as moto may list it)
    return (("GuardrailVersion", "1"), ("GuardrailArn", ARN), *extra.items())


def test_groups_series_per_guardrail_keeping_listed_dimension_order() -> None:
    found = guardrail_series(
        [dims(), dims(Operation="ApplyGuardrail")],
        [
            dims(),
            dims(GuardrailPolicyType="ContentPolicy"),
            dims(GuardrailPolicyType="TopicPolicy"),
            dims(GuardrailContentSource="Input"),
            dims(GuardrailContentSource="Output"),
            dims(Operation="ApplyGuardrail"),
        ],
    )
    assert len(found) == 1
    g = found[0]
    assert (g.arn, g.version, g.invocations) == (ARN, "1", dims())
    assert g.intervened == (dims(),)
    assert g.by_policy == {
        "ContentPolicy": (dims(GuardrailPolicyType="ContentPolicy"),),
        "TopicPolicy": (dims(GuardrailPolicyType="TopicPolicy"),),
    }
    assert set(g.by_source) == {"Input", "Output"}


def test_total_from_the_parts_when_no_plain_series_exists() -> None:
    combined = [
        dims(GuardrailPolicyType="ContentPolicy", GuardrailContentSource="Input"),
        dims(GuardrailPolicyType="ContentPolicy", GuardrailContentSource="Output"),
        dims(GuardrailPolicyType="WordPolicy", GuardrailContentSource="Input"),
    ]
    (g,) = guardrail_series([dims()], combined)
    assert set(g.intervened) == set(combined)
    assert len(g.by_policy["ContentPolicy"]) == 2 and len(g.by_source["Input"]) == 2


def test_a_guardrail_without_interventions_or_calls_is_left_out() -> None:
    assert guardrail_series([dims()], []) == []
    assert guardrail_series([], [dims()]) == []
