"""Where invocation logs are, turning logging on, and reading a log group page by page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.adapters.aws.errors import AWS_FAILURES, explain

PAGE_LIMIT = 10_000  # FilterLogEvents' maximum


@dataclass(frozen=True)
class LoggingStatus:
    """Whether model-invocation logs reach CloudWatch Logs, and where."""

    log_group: str | None
    source: str  # "setting", "bedrock", "off", or "unknown" (Bedrock could not be asked)
    detail: str = ""
    error: Exception | None = field(default=None, compare=False)  # why it is "unknown"

    @property
    def on(self) -> bool:
        return self.log_group is not None

    @property
    def unknown(self) -> bool:
        """Bedrock could not be asked (no credentials, no permission, no answer)."""
        return self.source == "unknown"


OFF_HINT = (
    "Bedrock model-invocation logging is off (or not delivered to CloudWatch Logs): spend is "
    "estimated from CloudWatch token metrics, which exclude prompt-cache tokens and carry no "
    "caller or tags. Turn it on with `genai-ops setup-logging --log-group NAME --role-arn ARN` "
    "or set GENAI_OPS_INVOCATION_LOG_GROUP."
)


def logging_status(bedrock: Any, configured: str | None = None) -> LoggingStatus:
    """The log group from the setting, else from GetModelInvocationLoggingConfiguration."""
    if configured:
        return LoggingStatus(configured, "setting")
    try:
        answer = bedrock.get_model_invocation_logging_configuration()
    except AWS_FAILURES as exc:
        reason = str(explain("GetModelInvocationLoggingConfiguration", exc))
        return LoggingStatus(
            None, "unknown", f"cannot read the logging configuration: {reason}", exc
        )
    config = answer.get("loggingConfig") or {}
    group = (config.get("cloudWatchConfig") or {}).get("logGroupName")
    if not group:
        return LoggingStatus(None, "off", OFF_HINT)
    if config.get("textDataDeliveryEnabled") is False:
        return LoggingStatus(
            group, "bedrock", "text data delivery is off: text-model calls are not logged"
        )
    return LoggingStatus(group, "bedrock")


def setup_logging(bedrock: Any, log_group: str, role_arn: str, *, with_media: bool = False) -> None:
    """Turn invocation logging on into ``log_group`` (text only unless ``with_media``)."""
    config = {
        "cloudWatchConfig": {"logGroupName": log_group, "roleArn": role_arn},
        "textDataDeliveryEnabled": True,
        "imageDataDeliveryEnabled": with_media,
        "embeddingDataDeliveryEnabled": with_media,
        "videoDataDeliveryEnabled": with_media,
    }
    try:
        bedrock.put_model_invocation_logging_configuration(loggingConfig=config)
    except AWS_FAILURES as exc:
        raise explain("PutModelInvocationLoggingConfiguration", exc) from exc


@dataclass(frozen=True, slots=True)
class LogEvent:
    event_id: str
    timestamp: int  # milliseconds since the epoch
    message: str


class LogReader:
    """FilterLogEvents over a time range, one page at a time (never the whole window)."""

    def __init__(self, logs: Any, log_group: str, page_limit: int = PAGE_LIMIT) -> None:
        self.logs = logs
        self.log_group = log_group
        self.page_limit = page_limit
        self.api_calls = 0

    def pages(self, start_ms: int, end_ms: int) -> Iterator[list[LogEvent]]:
        """Events with start_ms <= timestamp < end_ms, in pages, oldest first."""
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {
                "logGroupName": self.log_group,
                "startTime": start_ms,
                "endTime": end_ms - 1,
                "limit": self.page_limit,
            }
            if token:
                kwargs["nextToken"] = token
            try:
                answer = self.logs.filter_log_events(**kwargs)
            except AWS_FAILURES as exc:
                raise explain(f"FilterLogEvents on {self.log_group}", exc) from exc
            self.api_calls += 1
            events = [
                LogEvent(e["eventId"], int(e["timestamp"]), e.get("message", ""))
                for e in answer.get("events", [])
                if start_ms <= int(e["timestamp"]) < end_ms
            ]
            events.sort(key=lambda e: e.timestamp)
            if events:
                yield events
            token = answer.get("nextToken")
            if not token:
                return
