"""Asking a Bedrock model one question through the Converse API.

Each call is bounded: at most three attempts in total (botocore's own retries, no loop of
ours), a read timeout, ``maxTokens`` from settings. Every failure becomes an ``AskError``
whose message a Slack user can act on; the question and the answer never reach the logs.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ReadTimeoutError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # per Converse call, first try included: a paid call is never multiplied more

ERROR_MESSAGES = {
    "ThrottlingException": "Bedrock is throttling {model} right now (the account's quota is "
    "used up). Try again in a minute, or ask another model.",
    "ValidationException": "Bedrock rejected the request to {model}: {detail}. Check the "
    "model id (an inference profile such as us.… may be needed) and GENAI_OPS_ASK_MAX_TOKENS.",
    "AccessDeniedException": "No access to {model}: {detail}. Enable the model in the Bedrock "
    "console (Model access) and allow bedrock:InvokeModel for the bot's role.",
    "ResourceNotFoundException": "Bedrock does not know {model} in this region: {detail}.",
    "ModelTimeoutException": "{model} took too long to answer. Ask a shorter question or try "
    "again.",
    "ModelNotReadyException": "{model} is not ready yet (it is being loaded). Try again in a "
    "minute.",
    "ServiceUnavailableException": "Bedrock is unavailable right now. Try again shortly.",
    "InternalServerException": "Bedrock had an internal error. Try again shortly.",
    "ModelErrorException": "{model} failed while answering: {detail}.",
}


class AskError(Exception):
    """A Converse call failed; ``str(error)`` is the message to show the asker."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Caller:
    """Who asked, from where: sent as ``requestMetadata`` so invocation logs attribute it."""

    user: str
    channel: str

    def metadata(self) -> dict[str, str]:
        return {"source": "slack", "slack_user": self.user, "slack_channel": self.channel}


@dataclass(frozen=True)
class Answer:
    model_id: str
    text: str
    stop_reason: str
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    latency_ms: int  # Bedrock's own measure (metrics.latencyMs)
    request_id: str

    @property
    def guardrail_intervened(self) -> bool:
        return self.stop_reason == "guardrail_intervened"


@dataclass(frozen=True)
class ConverseOptions:
    max_tokens: int = 1024
    guardrail_id: str | None = None
    guardrail_version: str = "DRAFT"
    timeout_seconds: int = 120


def runtime_client(timeout_seconds: int = 120, region: str | None = None) -> Any:
    """A bedrock-runtime client with bounded retries (``AWS_ENDPOINT_URL_BEDROCK_RUNTIME``
    and the other standard boto3 settings apply)."""
    config = Config(
        retries={"total_max_attempts": MAX_ATTEMPTS, "mode": "standard"},
        read_timeout=timeout_seconds,
        connect_timeout=10,
    )
    return boto3.client("bedrock-runtime", region_name=region, config=config)


class ConverseClient:
    """Sends one question to one model and returns the answer with its usage."""

    def __init__(self, client: Any, options: ConverseOptions) -> None:
        self.client = client
        self.options = options

    def request(self, model_id: str, question: str, caller: Caller) -> dict[str, Any]:
        """The Converse parameters for ``question`` (what is sent, nothing more)."""
        params: dict[str, Any] = {
            "modelId": model_id,
            "messages": [{"role": "user", "content": [{"text": question}]}],
            "inferenceConfig": {"maxTokens": self.options.max_tokens},
            "requestMetadata": caller.metadata(),
        }
        if self.options.guardrail_id:
            params["guardrailConfig"] = {
                "guardrailIdentifier": self.options.guardrail_id,
                "guardrailVersion": self.options.guardrail_version,
            }
        return params

    def ask(self, model_id: str, question: str, caller: Caller) -> Answer:
        """Ask ``model_id``; raises AskError with a message for the asker."""
        started = time.monotonic()
        try:
            response = self.client.converse(**self.request(model_id, question, caller))
        except ClientError as exc:
            raise _explain(model_id, exc) from exc
        except ReadTimeoutError as exc:
            raise AskError(
                f"{model_id} did not answer within {self.options.timeout_seconds} s. "
                "Ask a shorter question or raise GENAI_OPS_ASK_TIMEOUT_SECONDS.",
                "Timeout",
            ) from exc
        except BotoCoreError as exc:
            raise AskError(f"Cannot reach Bedrock: {exc}", type(exc).__name__) from exc
        answer = _answer(model_id, response, started)
        log.info(
            "converse done",
            extra={
                "model": model_id,
                "request_id": answer.request_id,
                "input_tokens": answer.input_tokens,
                "output_tokens": answer.output_tokens,
                "stop_reason": answer.stop_reason,
            },
        )
        return answer


def _answer(model_id: str, response: dict[str, Any], started: float) -> Answer:
    content = response.get("output", {}).get("message", {}).get("content", [])
    text = "\n".join(part["text"] for part in content if isinstance(part.get("text"), str))
    usage = response.get("usage", {})
    latency = response.get("metrics", {}).get("latencyMs")
    if latency is None:
        latency = round((time.monotonic() - started) * 1000)
    return Answer(
        model_id=model_id,
        text=text,
        stop_reason=response.get("stopReason", "end_turn"),
        input_tokens=int(usage.get("inputTokens", 0)),
        output_tokens=int(usage.get("outputTokens", 0)),
        cache_read_tokens=int(usage.get("cacheReadInputTokens", 0)),
        cache_write_tokens=int(usage.get("cacheWriteInputTokens", 0)),
        latency_ms=int(latency),
        request_id=response.get("ResponseMetadata", {}).get("RequestId", ""),
    )


def _explain(model_id: str, exc: ClientError) -> AskError:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", "Unknown"))
    detail = str(error.get("Message") or code).rstrip(".")
    template = ERROR_MESSAGES.get(code, "Bedrock refused the request to {model}: {detail}.")
    log.warning(
        "converse failed",
        extra={
            "model": model_id,
            "code": code,
            "request_id": exc.response.get("ResponseMetadata", {}).get("RequestId", ""),
        },
    )
    return AskError(template.format(model=model_id, detail=detail), code)


@dataclass(frozen=True)
class AskOutcome:
    """One model's part of an ask: an answer and its cost, or an error for the asker."""

    model_id: str
    answer: Answer | None = None
    error: str | None = None
    cost_usd: Decimal | None = None
    unpriced_reason: str = ""
