"""Writing Bedrock model-invocation log records to moto's CloudWatch Logs in tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bot.demo.invocations import invocation
from tests.support.bedrock import write_invocation_logs

__all__ = ["invocation", "put_messages", "put_records"]


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
    """Write invocation-log records (dicts) to a log group, creating it if needed."""
    write_invocation_logs(logs, group, records)
