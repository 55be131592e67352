"""Bedrock model-invocation log records in the shape Bedrock writes (demo, tests, benchmark)."""

from __future__ import annotations

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
