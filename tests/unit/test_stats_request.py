"""Parsing /genai-stats arguments: every word is understood or named in the error."""

from __future__ import annotations

import pytest

from bot.app.stats.request import StatsRequest, StatsUsageError, parse

ALIASES = {"sonnet": "anthropic.claude-3-5-sonnet-20240620-v1:0"}


@pytest.mark.parametrize(
    ("text", "request_"),
    [
        ("", StatsRequest("24h", None, False)),
        ("7d", StatsRequest("7d", None, False)),
        ("1H public", StatsRequest("1h", None, True)),
        ("sonnet 30d", StatsRequest("30d", ALIASES["sonnet"], False)),
        ("public haiku", StatsRequest("24h", "haiku", True)),
        ("amazon.nova-pro-v1:0", StatsRequest("24h", "amazon.nova-pro-v1:0", False)),
        ("help", StatsRequest(help=True)),
        ("7d help", StatsRequest(help=True)),
    ],
)
def test_understood(text: str, request_: StatsRequest) -> None:
    assert parse(text, ALIASES) == request_


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("5d", "unknown time window `5d`; use one of `1h`, `24h`, `7d`, `30d`"),
        ("1h 7d", "two time windows: `1h` and `7d`; give one"),
        ("haiku sonnet", "unexpected `sonnet`: give at most one model or alias"),
        ("nova 12h", "unknown time window `12h`; use one of `1h`, `24h`, `7d`, `30d`"),
    ],
)
def test_rejected_with_the_word_named(text: str, error: str) -> None:
    with pytest.raises(StatsUsageError) as raised:
        parse(text, ALIASES)
    assert str(raised.value) == error


def test_model_fragment_matches_case_insensitively() -> None:
    request = parse("HAIKU")
    assert request.matches("anthropic.claude-3-haiku-20240307-v1:0")
    assert not request.matches("amazon.nova-pro-v1:0")
    assert parse("").matches("anything")
