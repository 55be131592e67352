"""Writing Bedrock model-invocation log records to moto's CloudWatch Logs in tests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.entrypoints.demo.invocations import invocation
from tests.support.bedrock import put_messages, write_invocation_logs

__all__ = ["invocation", "put_messages", "put_records"]


def put_records(logs: Any, group: str, records: Iterable[dict[str, Any]]) -> None:
    """Write invocation-log records (dicts) to a log group, creating it if needed."""
    write_invocation_logs(logs, group, records)
