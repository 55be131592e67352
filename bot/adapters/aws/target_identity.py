"""Opening a target region: its credentials (the assumed role) and its labels.

The first thing a poll does in a target region is get the role's credentials and, when the
settings do not name the account, ask STS GetCallerIdentity once which account it is. A
refusal there is reported as the target's own failure ("access denied (AssumeRole)"), so
the poll report says which target is broken and why instead of naming the first metric call.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from bot.adapters.aws.caller_account import account_of
from bot.adapters.aws.errors import AWS_FAILURES, AwsError, describe, is_denied
from bot.adapters.aws.targets import TargetRegion

ROLE_HINT = "check the role's trust policy names the bot and the external id matches"


class TargetIdentity:
    """A target region's labels for its alerts, fetched (and cached) on first use."""

    def __init__(self, target: TargetRegion) -> None:
        self.target = target

    @property
    def name(self) -> str:
        """How the poll report names this target region, e.g. ``prod us-west-2``."""
        return f"{self.target.label} {self.target.region}"

    def labels(self) -> dict[str, str]:
        """``account`` (12-digit id), ``region`` and, when it differs from the id, ``target``
        (the name); empty for the default target, whose alerts keep their labels.

        Raises AwsError when the role cannot be assumed or the account cannot be told."""
        if self.target.default:
            return {}
        self._credentials()
        account = self.account()
        labels = {"account": account, "region": self.target.region}
        if self.target.label != account:
            labels["target"] = self.target.label
        return labels

    def account(self) -> str:
        """The account id: from the settings, else STS GetCallerIdentity (asked once)."""
        return account_of(self.target)

    def _credentials(self) -> Any:
        """The session's credentials, assuming the role now if it has not been yet."""
        try:
            creds = self.target.session.get_credentials()
            return None if creds is None else creds.get_frozen_credentials()
        except ClientError as exc:
            raise assume_role_error(exc) from exc
        except AWS_FAILURES as exc:
            raise AwsError(f"cannot assume the role (AssumeRole): {describe(exc)}") from exc


def assume_role_error(exc: ClientError) -> AwsError:
    """One line for a refused sts:AssumeRole: what failed and what to check."""
    message = exc.response.get("Error", {}).get("Message", "")
    if is_denied(exc):
        return AwsError(f"access denied (AssumeRole): {message} ({ROLE_HINT})")
    return AwsError(f"AssumeRole failed: {describe(exc)}")
