"""Finding a model's tokens-per-minute quota among Service Quotas' names."""

from __future__ import annotations

import pytest

from alarms.quota import trend
from alarms.quota_names import match

QUOTAS = {
    "L-1": "On-demand model inference tokens per minute for Anthropic Claude 3.5 Sonnet V2",
    "L-2": "Cross-region model inference tokens per minute for Anthropic Claude 3.5 Sonnet V2",
    "L-3": "Global cross-region model inference tokens per minute for Anthropic Claude Sonnet 4 V1",
    "L-4": "On-demand model inference tokens per minute for Anthropic Claude 3.5 Sonnet",
    "L-5": "On-demand model inference tokens per minute for Amazon Nova Pro",
    "L-6": "On-demand model inference tokens per minute for Meta Llama 3.1 70B Instruct",
}


@pytest.mark.parametrize(
    ("model", "code"),
    [
        ("anthropic.claude-3-5-sonnet-20241022-v2:0", "L-1"),
        ("us.anthropic.claude-3-5-sonnet-20241022-v2:0", "L-2"),
        ("global.anthropic.claude-sonnet-4-20250514-v1:0", "L-3"),
        ("anthropic.claude-3-5-sonnet-20240620-v1:0", "L-4"),
        ("amazon.nova-pro-v1:0", "L-5"),
        ("meta.llama3-1-70b-instruct-v1:0", "L-6"),
        ("amazon.nova-lite-v1:0", None),
    ],
)
def test_names_match_by_words_and_call_route(model: str, code: str | None) -> None:
    assert match(model, QUOTAS, {}) == code


def test_a_configured_code_wins() -> None:
    assert match("amazon.nova-lite-v1:0", QUOTAS, {"amazon.nova-*": "L-5"}) == "L-5"


def test_trend_is_the_least_squares_line() -> None:
    line = trend([(0, 10.0), (5, 20.0), (10, 30.0)])
    assert line is not None and line.now == pytest.approx(30.0)
    assert line.minutes_to(50.0) == pytest.approx(10.0)
    flat = trend([(0, 5.0), (5, 5.0)])
    assert flat is not None and flat.minutes_to(50.0) is None
