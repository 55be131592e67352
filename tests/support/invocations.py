"""Writing Bedrock model-invocation log records to moto's CloudWatch Logs in tests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import boto3

from bot.entrypoints.demo.invocations import invocation
from tests.support.bedrock import put_messages, write_invocation_logs

__all__ = ["invocation", "logging_to", "put_messages", "put_records"]


def put_records(logs: Any, group: str, records: Iterable[dict[str, Any]]) -> None:
    """Write invocation-log records (dicts) to a log group, creating it if needed."""
    write_invocation_logs(logs, group, records)


def logging_to(aws: str, group: str) -> tuple[Any, Any]:
    """Logs and Bedrock clients on ``aws`` with invocation logging switched on into ``group``
    (created here), as an account with logging set up looks to the bot."""
    logs = boto3.client("logs", endpoint_url=aws, region_name="us-east-1")
    bedrock = boto3.client("bedrock", endpoint_url=aws, region_name="us-east-1")
    logs.create_log_group(logGroupName=group)
    bedrock.put_model_invocation_logging_configuration(
        loggingConfig={
            "cloudWatchConfig": {"logGroupName": group, "roleArn": "arn:aws:iam::1:role/logs"},
            "textDataDeliveryEnabled": True,
        }
    )
    return logs, bedrock
