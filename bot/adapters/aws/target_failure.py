"""Why one target region could not be read, in a few words: "access denied (AssumeRole)".

The poll report, ``spend`` and ``/genai-stats`` show one line per failed target beside the
figures of the others; the full explanation (what to grant, what to check) goes to the logs.
"""

from __future__ import annotations

from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from bot.adapters.aws.errors import DENIED, EXPIRED, describe

THROTTLED = {"Throttling", "ThrottlingException", "TooManyRequestsException"}
DISABLED = {"OptInRequired", "UnrecognizedClientException", "InvalidClientTokenId"}


def target_failure(exc: BaseException) -> str:
    """A short reason for ``exc`` (or the AWS error behind it), naming the failed call."""
    cause = _root(exc)
    if isinstance(cause, ClientError):
        code = cause.response.get("Error", {}).get("Code", "")
        call = cause.operation_name
        if code in DENIED:
            return f"access denied ({call})"
        if code in THROTTLED:
            return f"throttled ({call})"
        if code in EXPIRED:
            return f"credentials expired ({call})"
        if code in DISABLED:
            return f"region not enabled for this account, or keys refused ({call}: {code})"
        return f"{code or 'error'} ({call})"
    if isinstance(cause, EndpointConnectionError | ConnectTimeoutError):
        return "endpoint unreachable (region disabled, or network)"
    if isinstance(cause, ReadTimeoutError):
        return "no answer in time"
    if isinstance(cause, NoCredentialsError):
        return "no AWS credentials"
    return describe(cause) if isinstance(cause, Exception) else type(cause).__name__


def _root(exc: BaseException) -> BaseException:
    """The first botocore error in the chain of causes, else ``exc`` itself."""
    seen = exc
    for _ in range(5):
        if isinstance(seen, ClientError | EndpointConnectionError | ConnectTimeoutError):
            return seen
        if isinstance(seen, ReadTimeoutError | NoCredentialsError):
            return seen
        if seen.__cause__ is None:
            break
        seen = seen.__cause__
    return exc
