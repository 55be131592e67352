"""The push path: a CloudWatch Logs subscription delivery, parsed by the same code."""

from __future__ import annotations

import base64
import gzip
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.aws.log_subscription import PayloadError, decode_payload
from bot.adapters.clock import SystemClock
from bot.adapters.prices import Pricer
from bot.adapters.store import open_store
from bot.app.spend.ingest import ingest_delivery
from bot.app.spend.summary import usage_summary

FIXTURES = Path(__file__).parent.parent / "fixtures"


def delivery(messages: list[str], kind: str = "DATA_MESSAGE") -> dict[str, Any]:
    body = {
        "messageType": kind,
        "owner": "111122223333",
        "logGroup": "/aws/bedrock/modelinvocations",
        "logStream": "aws/bedrock/modelinvocations",
        "subscriptionFilters": ["genai-ops"],
        "logEvents": [
            {
                "id": f"3800000000000000000000000000000000000000000000000{i:05d}",
                "timestamp": 1795683791000 + i,
                "message": m,
            }
            for i, m in enumerate(messages)
        ],
    }
    data = base64.b64encode(gzip.compress(json.dumps(body).encode())).decode()
    return {"awslogs": {"data": data}}


def samples() -> list[str]:
    lines = (FIXTURES / "invocation-log-variants.jsonl").read_text().splitlines()
    return [(FIXTURES / "invocation-log-converse.json").read_text(), *lines]


def test_redelivered_batch_is_counted_once(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    store = open_store(f"sqlite:///{tmp_path / 'state.db'}", SystemClock())
    event = delivery([*samples(), "garbage"])
    group, events = decode_payload(event)
    assert group == "/aws/bedrock/modelinvocations" and len(events) == 6
    first = ingest_delivery(store, Pricer(), ["team"], events)
    again = ingest_delivery(store, Pricer(), ["team"], decode_payload(event)[1])
    assert (first.records, first.malformed) == (5, 1)
    assert again.records == 5  # parsed again, but the roll-ups ignore a batch they hold
    day = datetime(2026, 11, 20, tzinfo=UTC)
    summary = usage_summary(store, day, day.replace(hour=23))
    assert summary.total.calls == 5
    assert summary.usd == Decimal("0.00049525") + Decimal("0.0276") + Decimal("0.00000102")
    assert summary.unpriced == [
        "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6"
    ]


def test_control_message_has_no_events() -> None:
    assert decode_payload(delivery([], kind="CONTROL_MESSAGE"))[1] == []


@pytest.mark.parametrize(
    "payload",
    [
        "%%% not base64",
        base64.b64encode(b"not gzip").decode(),
        base64.b64encode(gzip.compress(b"[1]", mtime=0)).decode(),
    ],
)
def test_bad_payloads_are_clear_errors(payload: str) -> None:
    with pytest.raises(PayloadError):
        decode_payload(payload)
