"""AWS errors translated into messages a person can act on."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError


class AwsError(Exception):
    """An AWS call failed; the message says what to do about it."""


def explain(action: str, exc: Exception) -> AwsError:
    """An AwsError for ``exc`` raised while doing ``action``."""
    if isinstance(exc, NoCredentialsError):
        return AwsError(f"{action}: no AWS credentials found (set AWS_PROFILE or keys)")
    if isinstance(exc, NoRegionError):
        return AwsError(f"{action}: no AWS region configured (set AWS_REGION)")
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "Unknown")
        message = exc.response.get("Error", {}).get("Message", "")
        hint = {
            "Throttling": "CloudWatch is throttling; the next poll retries",
            "ThrottlingException": "AWS is throttling; the next attempt retries",
            "AccessDenied": "grant the IAM permission named above",
            "AccessDeniedException": "grant the IAM permission named above",
        }.get(code, "")
        return AwsError(f"{action}: {code}: {message}" + (f" ({hint})" if hint else ""))
    if isinstance(exc, BotoCoreError):
        return AwsError(f"{action}: {exc}")
    return AwsError(f"{action}: {exc}")


AWS_FAILURES = (ClientError, BotoCoreError)
