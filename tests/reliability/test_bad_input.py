"""Property-based bad input: parsers never crash and always say what is wrong."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from alarms.usage import MalformedRecord, UsageRecord, parse_record, record_from
from bot.adapters.aws.log_subscription import PayloadError, decode_payload
from bot.adapters.slack.mrkdwn import to_mrkdwn
from bot.app.ask.request import AskRequest, AskUsageError, parse_ask

ALIASES = {"sonnet": "anthropic.claude-3-5-sonnet-20240620-v1:0", "nova": "amazon.nova-pro-v1:0"}
WORDS = st.sampled_from(
    [
        "compare",
        "help",
        "sonnet",
        "nova",
        "amazon.nova-lite-v1:0",
        ",",
        "&lt;",
        "sonnet,nova",
        "a,b,c,d",
        "<@U1>",
        "```",
        "*",
        "\n",
        "  ",
        "🙂",
    ]
)
COMMAND_TEXT = st.one_of(st.text(max_size=300), st.lists(WORDS, max_size=8).map(" ".join))
JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
JSONISH = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)
FIELDS = [
    "schemaType",
    "timestamp",
    "modelId",
    "requestId",
    "operation",
    "identity",
    "input",
    "output",
    "errorCode",
    "requestMetadata",
    "inferenceRegion",
    "accountId",
    "region",
]
RECORDISH = st.dictionaries(st.sampled_from(FIELDS), JSONISH, max_size=len(FIELDS))


@settings(max_examples=300, deadline=None)
@given(text=COMMAND_TEXT, default=st.sampled_from([None, "nova", "amazon.nova-lite-v1:0"]))
def test_ask_text_is_a_request_or_a_usage_message(text: str, default: str | None) -> None:
    try:
        request = parse_ask(text, ALIASES, default)
    except AskUsageError as exc:
        assert len(str(exc)) > 10
        return
    assert isinstance(request, AskRequest)
    assert request.models and request.question.strip()


@settings(max_examples=300, deadline=None)
@given(record=RECORDISH)
def test_invocation_log_records_parse_or_are_skipped_as_malformed(record: dict[str, Any]) -> None:
    try:
        parsed = record_from(record)
    except MalformedRecord as exc:
        assert str(exc)
        return
    assert isinstance(parsed, UsageRecord)
    assert parsed.model_id


@settings(max_examples=200, deadline=None)
@given(message=st.one_of(st.binary(max_size=200), st.text(max_size=200), JSONISH.map(json.dumps)))
def test_any_log_message_parses_or_is_malformed(message: str | bytes) -> None:
    try:
        parsed = parse_record(message)
    except MalformedRecord as exc:
        assert str(exc)
        return
    assert parsed.model_id


@settings(max_examples=200, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200),
        JSONISH.map(lambda v: base64.b64encode(gzip.compress(json.dumps(v).encode())).decode()),
        st.dictionaries(st.sampled_from(["awslogs", "data"]), JSONISH, max_size=2),
    )
)
def test_subscription_payloads_decode_or_are_rejected(data: Any) -> None:
    try:
        group, events = decode_payload(data)
    except PayloadError as exc:
        assert str(exc)
        return
    assert isinstance(group, str) and isinstance(events, list)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=2000))
def test_markdown_conversion_never_crashes(text: str) -> None:
    assert isinstance(to_mrkdwn(text), str)


HOSTILE_VALUE = st.one_of(
    JSONISH,
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=1, max_value=3000).map(lambda depth: "[" * depth + "]" * depth),
)


@settings(max_examples=300, deadline=None)
@given(
    field=st.sampled_from(
        [
            ("input", "inputTokenCount"),
            ("input", "cacheReadInputTokenCount"),
            ("output", "outputTokenCount"),
            ("input", "inputBodyJson"),
            ("output", "outputBodyJson"),
            ("timestamp",),
            ("modelId",),
            ("identity",),
            ("requestMetadata",),
            ("input",),
            ("output",),
        ]
    ),
    value=HOSTILE_VALUE,
    raw=st.booleans(),
)
def test_hostile_values_in_any_field_never_crash_the_reader(
    field: tuple[str, ...], value: Any, raw: bool
) -> None:
    """Huge numbers, deep nesting, wrong types: read_fields returns the counts or says why."""
    from datetime import UTC, datetime

    from alarms.usage_fast import read_fields
    from bot.entrypoints.demo.invocations import invocation

    record = invocation(datetime(2026, 11, 1, tzinfo=UTC), "r", input_tokens=5)
    record["input"]["inputBodyJson"] = {"messages": [{"text": "x" * 3000}]}
    record["output"]["outputBodyJson"] = {"stopReason": "end_turn"}
    target = record
    for key in field[:-1]:
        target = target[key]
    text = json.dumps(record, separators=(",", ":"))
    if raw and isinstance(value, str) and value.startswith("["):  # nesting beyond json.dumps
        placeholder = "__deep__"
        target[field[-1]] = placeholder
        text = json.dumps(record, separators=(",", ":")).replace(f'"{placeholder}"', value)
    else:
        target[field[-1]] = value
        try:
            text = json.dumps(record, separators=(",", ":"))
        except (ValueError, RecursionError):
            return
    try:
        got = read_fields(text)
    except MalformedRecord:
        return
    assert 0 <= got.input <= 10_000_000
    assert 0 <= got.output <= 10_000_000
