"""AWS errors translated into messages a person can act on."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ReadTimeoutError,
)

NO_REGION = (
    "no AWS region configured: set AWS_REGION (or AWS_DEFAULT_REGION, or region in your "
    "AWS profile), e.g. export AWS_REGION=us-east-1"
)
NO_CREDENTIALS = (
    "no AWS credentials found: set AWS_PROFILE (after `aws configure` or `aws sso login`) "
    "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
)
DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired"}
BAD_KEYS = {"InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch"}


class AwsError(Exception):
    """An AWS call failed; the message says what to do about it."""


def explain(action: str, exc: Exception) -> AwsError:
    """An AwsError for ``exc`` raised while doing ``action``: one line, with what to do."""
    return AwsError(f"{action}: {describe(exc)}")


def describe(exc: Exception) -> str:
    """What went wrong in ``exc`` and what to do about it, without the action."""
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return NO_CREDENTIALS
    if isinstance(exc, NoRegionError):
        return NO_REGION
    if isinstance(exc, ReadTimeoutError):
        return (
            f"no answer from {exc.kwargs.get('endpoint_url', 'the endpoint')} in time; "
            "check AWS_ENDPOINT_URL, your network or proxy (the next poll tries again)"
        )
    if isinstance(exc, ConnectTimeoutError | EndpointConnectionError):
        return (
            f"cannot connect to {exc.kwargs.get('endpoint_url', 'the endpoint')}; check the "
            "region, AWS_ENDPOINT_URL, your network or proxy"
        )
    if isinstance(exc, ClientError):
        return _client_error(exc)
    return str(exc) or type(exc).__name__


def _client_error(exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    code = error.get("Code", "Unknown")
    message = error.get("Message", "")
    if code in DENIED:
        hint = "grant the IAM permission it names (docs/aws.md has a ready policy)"
    elif code in EXPIRED:
        hint = "your AWS session expired: log in again (e.g. aws sso login)"
    elif code in BAD_KEYS:
        hint = "the AWS access keys are wrong or deleted: check AWS_PROFILE or the keys"
    elif code in ("Throttling", "ThrottlingException"):
        hint = "AWS is throttling; the next attempt retries"
    else:
        hint = ""
    return f"{code}: {message}" + (f" ({hint})" if hint else "")


def is_denied(exc: Exception) -> bool:
    """Whether ``exc`` is AWS refusing a call for want of an IAM permission."""
    return isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") in DENIED


AWS_FAILURES = (ClientError, BotoCoreError)
