"""Bedrock model-invocation log records for tests, the demo and the benchmark."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any


def invocation(
    at: datetime,
    request_id: str,
    model: str = "anthropic.claude-3-5-sonnet-20241022-v2:0",
    role: str = "chat",
    tags: dict[str, str] | None = None,
    input_tokens: int = 0,
    output_tokens: int = 0,
    cache_read: int = 0,
    cache_write: int = 0,
) -> dict[str, Any]:
    """One invocation-log record in the shape Bedrock writes."""
    return {
        "schemaType": "ModelInvocationLog",
        "schemaVersion": "1.0",
        "timestamp": at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "accountId": "111122223333",
        "identity": {"arn": f"arn:aws:sts::111122223333:assumed-role/{role}/session"},
        "region": "us-east-1",
        "requestId": request_id,
        "operation": "Converse",
        "modelId": model,
        "input": {
            "inputContentType": "application/json",
            "inputBodyJson": {"messages": [{"role": "user", "content": [{"text": "private"}]}]},
            "inputTokenCount": input_tokens,
            "cacheReadInputTokenCount": cache_read,
            "cacheWriteInputTokenCount": cache_write,
        },
        "output": {"outputContentType": "application/json", "outputTokenCount": output_tokens},
        "requestMetadata": tags or {},
    }


def put_messages(
    logs: Any,
    group: str,
    events: Iterable[tuple[datetime, str]],
    stream: str = "aws/bedrock/modelinvocations",
) -> None:
    """Write raw messages (valid or not) to a log group, creating it if needed."""
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName=group)
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    batch = sorted(
        ({"timestamp": int(at.timestamp() * 1000), "message": text} for at, text in events),
        key=lambda e: e["timestamp"],
    )
    answer = logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
    assert not answer.get("rejectedLogEventsInfo"), answer


def put_records(logs: Any, group: str, records: Iterable[dict[str, Any]]) -> None:
    put_messages(
        logs,
        group,
        (
            (datetime.fromisoformat(r["timestamp"].replace("Z", "+00:00")), json.dumps(r))
            for r in records
        ),
    )
