"""Dry calls that tell whether the bot may do what its features need, without changing anything.

AWS checks IAM before it validates a request, so a call with a harmless or impossible argument
(an inference profile that does not exist, a one-row query) answers the question "is this
action allowed?" at the cost of one read: AccessDenied means no; any other answer means yes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from bot.adapters.aws.errors import AWS_FAILURES, describe, is_denied


@dataclass(frozen=True)
class Probe:
    """The answer to one check: ``ok``, and when not, one line saying what to do."""

    name: str
    ok: bool
    detail: str = ""


def allowed(action: str, call: Callable[[], Any], why: str, *, must_exist: bool = False) -> Probe:
    """Whether ``action`` is allowed, by making ``call`` (a read with no side effect).

    With ``must_exist`` a ResourceNotFoundException is a failure (the log group or table the
    bot needs is missing), else it only shows that the call was authorised."""
    try:
        call()
    except ClientError as exc:
        if is_denied(exc):
            return Probe(action, False, f"not allowed: grant {action} ({why}; docs/aws.md)")
        if must_exist and exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return Probe(action, False, f"{describe(exc)} ({why})")
        return Probe(action, True)  # authorised; the dry argument was refused, as meant
    except AWS_FAILURES as exc:
        return Probe(action, False, describe(exc))
    return Probe(action, True)


def caller_identity(sts: Any) -> Probe:
    """Who the AWS credentials belong to (STS GetCallerIdentity needs no permission)."""
    try:
        arn = sts.get_caller_identity()["Arn"]
    except AWS_FAILURES as exc:
        return Probe("AWS credentials", False, describe(exc))
    return Probe("AWS credentials", True, arn)


def metric_probes(cloudwatch: Any, now: datetime) -> list[Probe]:
    """ListMetrics and GetMetricData, as a poll makes them (one series, ten minutes)."""
    query = {
        "Id": "probe",
        "MetricStat": {
            "Metric": {"Namespace": "AWS/Bedrock", "MetricName": "Invocations"},
            "Period": 300,
            "Stat": "Sum",
        },
    }
    why = "alerts and /genai-stats read Bedrock metrics"
    return [
        allowed(
            "cloudwatch:ListMetrics",
            lambda: cloudwatch.list_metrics(Namespace="AWS/Bedrock", MetricName="Invocations"),
            why,
        ),
        allowed(
            "cloudwatch:GetMetricData",
            lambda: cloudwatch.get_metric_data(
                MetricDataQueries=[query],
                StartTime=now - timedelta(minutes=10),
                EndTime=now,
                MaxDatapoints=2,
            ),
            why,
        ),
    ]


def logging_config_probe(bedrock: Any) -> Probe:
    return allowed(
        "bedrock:GetModelInvocationLoggingConfiguration",
        bedrock.get_model_invocation_logging_configuration,
        "to find the invocation-log group; or set GENAI_OPS_INVOCATION_LOG_GROUP",
    )


def log_read_probe(logs: Any, group: str, now: datetime) -> Probe:
    start = int((now - timedelta(minutes=1)).timestamp() * 1000)
    return allowed(
        "logs:FilterLogEvents",
        lambda: logs.filter_log_events(logGroupName=group, startTime=start, limit=1),
        f"on {group}: budgets and spend read the invocation logs",
        must_exist=True,
    )


def pricing_probe(bedrock: Any) -> Probe:
    return allowed(
        "bedrock:GetInferenceProfile",
        lambda: bedrock.get_inference_profile(inferenceProfileIdentifier="genai-ops-probe"),
        "application inference profiles stay unpriced without it",
    )


def table_probe(dynamodb: Any, table: str) -> Probe:
    return allowed(
        "dynamodb:Query",
        lambda: dynamodb.query(
            TableName=table,
            KeyConditionExpression="#k = :k",
            ExpressionAttributeNames={"#k": "kind"},
            ExpressionAttributeValues={":k": {"S": "genai-ops-probe"}},
            Limit=1,
        ),
        f"the state table {table} (and GetItem, PutItem, DeleteItem on it)",
        must_exist=True,
    )
