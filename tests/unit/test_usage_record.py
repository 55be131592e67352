"""Invocation-log records reduced to UsageRecords: the samples, principals, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alarms.usage import MalformedRecord, parse_record, principal_of

FIXTURES = Path(__file__).parent.parent / "fixtures"
PROFILE = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6"
LINES = (FIXTURES / "invocation-log-variants.jsonl").read_text().splitlines()


def test_converse_sample() -> None:
    record = parse_record((FIXTURES / "invocation-log-converse.json").read_text())
    assert record.request_id == "0b7c6a52-3f0e-4c1d-9d52-6f1e2a7b9c10"
    assert record.time.isoformat() == "2026-11-20T14:03:11+00:00"
    assert record.base_model == "anthropic.claude-3-haiku-20240307-v1:0"
    assert record.inference_profile is None
    assert record.principal == "support-chat-backend"
    assert record.tags == {"team": "support", "app": "music-qa"}
    assert (record.tokens.input, record.tokens.output) == (41, 388)
    assert (record.latency_ms, record.stop_reason, record.error_code) == (2874, "end_turn", None)
    assert "albums" not in record.model_dump_json()  # bodies are never kept


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            0,
            {
                "base_model": "anthropic.claude-3-5-sonnet-20241022-v2:0",
                "inference_profile": "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
                "inference_region": "us-west-2",
                "principal": "batch-summarizer",
                "cache_read": 48000,
                "input": 1200,
            },
        ),
        (
            1,
            {
                "base_model": "amazon.nova-lite-v1:0",
                "operation": "InvokeModel",
                "principal": "dev-ana",
                "stop_reason": "end_turn",
            },
        ),
        (2, {"error_code": "ThrottlingException", "input": 0}),
        (
            3,
            {
                "base_model": PROFILE,
                "stop_reason": "guardrail_intervened",
                "output": 12,
            },
        ),
    ],
)
def test_variants(line: int, expected: dict[str, object]) -> None:
    record = parse_record(LINES[line])
    flat = {**record.model_dump(), **record.tokens.model_dump()}
    assert {k: flat[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("arn", "principal"),
    [
        ("arn:aws:sts::1:assumed-role/support-chat-backend/session-42", "support-chat-backend"),
        ("arn:aws:iam::1:user/dev-ana", "dev-ana"),
        ("arn:aws:iam::1:user/team/dev-bo", "dev-bo"),
        ("arn:aws:iam::1:role/service-role/batch", "batch"),
        ("arn:aws:iam::1:root", "root"),
        ("arn:aws:sts::1:federated-user/alice", "alice"),
        ("", "unknown"),
    ],
)
def test_principal(arn: str, principal: str) -> None:
    assert principal_of(arn) == principal


GOOD = json.loads(LINES[1])


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("not json {", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        (json.dumps({**GOOD, "modelId": None}), "modelId"),
        (json.dumps({**GOOD, "timestamp": "yesterday"}), "timestamp"),
        (json.dumps({**GOOD, "timestamp": "2026-11-20T14:00:00"}), "time zone"),
        (json.dumps({**GOOD, "input": {"inputTokenCount": -3}}), "inputTokenCount"),
        (json.dumps({**GOOD, "output": {"outputTokenCount": "12"}}), "outputTokenCount"),
        (json.dumps({**GOOD, "input": "secret prompt"}), "input is not an object"),
        (json.dumps({**GOOD, "schemaType": "Other"}), "schemaType"),
    ],
)
def test_malformed_records_say_why_without_quoting(message: str, reason: str) -> None:
    with pytest.raises(MalformedRecord) as caught:
        parse_record(message)
    assert reason in str(caught.value)
    assert "secret prompt" not in str(caught.value) and "hello" not in str(caught.value)
