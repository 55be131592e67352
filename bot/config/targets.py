"""Which AWS accounts and regions the bot watches: ``[[aws.targets]]``.

With no targets the bot watches the one account and region boto3 is configured for. Each
target names an account (read through a role the bot assumes, or the bot's own credentials)
and the regions to read there; every alert, stat and roll-up then carries the labels
``account`` and ``region``.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from alarms.places import is_account_id, is_region_name

ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class AwsTarget(BaseModel):
    """One account (and the regions to read in it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(
        default=None, description="Label in alerts and stats (default: the account id)."
    )
    account_id: str | None = Field(
        default=None, description="12-digit account id (read from role_arn when omitted)."
    )
    role_arn: str | None = Field(
        default=None, description="Role to assume through STS (omitted: the bot's credentials)."
    )
    external_id: str | None = Field(
        default=None, min_length=2, max_length=1224, description="sts:ExternalId, if required."
    )
    regions: tuple[str, ...] = Field(
        default=(), description="Regions to read (default: the bot's own region)."
    )
    invocation_log_group: str | None = Field(
        default=None, description="This account's invocation-log group (default: [aws]'s)."
    )
    linked_accounts: bool = Field(
        default=False,
        description="A CloudWatch cross-account observability monitoring account: read its "
        "linked source accounts' metrics through it, labelled by source account.",
    )

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str | None) -> str | None:
        if value is not None and not NAME.match(value):
            raise ValueError("must be 1-64 letters, digits, '.', '_' or '-' (e.g. prod-us)")
        return value

    @field_validator("account_id")
    @classmethod
    def _check_account(cls, value: str | None) -> str | None:
        if value is not None and not is_account_id(value):
            raise ValueError("must be a 12-digit AWS account id, e.g. 111122223333")
        return value

    @field_validator("role_arn")
    @classmethod
    def _check_role(cls, value: str | None) -> str | None:
        if value is not None and not ROLE_ARN.match(value):
            raise ValueError(
                "must be an IAM role ARN, e.g. arn:aws:iam::111122223333:role/genai-ops-reader"
            )
        return value

    @field_validator("regions")
    @classmethod
    def _check_regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for region in value:
            if not is_region_name(region):
                raise ValueError(f"{region!r} is not an AWS region name such as us-east-1")
        if len(set(value)) != len(value):
            raise ValueError("lists a region twice")
        return value

    @model_validator(mode="after")
    def _account_matches_role(self) -> AwsTarget:
        role_account = self.role_account
        if role_account and self.account_id and role_account != self.account_id:
            raise ValueError(
                f"account_id {self.account_id} differs from role_arn's account {role_account}"
            )
        if self.external_id and not self.role_arn:
            raise ValueError("external_id needs role_arn (it is passed to sts:AssumeRole)")
        return self

    @property
    def role_account(self) -> str | None:
        match = ROLE_ARN.match(self.role_arn or "")
        return match.group(1) if match else None

    @property
    def account(self) -> str | None:
        """The account id, when the settings tell it (else STS says it at run time)."""
        return self.account_id or self.role_account

    @property
    def label(self) -> str:
        """How alerts and stats name this target."""
        return self.name or self.account or "default"


def check_targets(targets: tuple[AwsTarget, ...]) -> tuple[AwsTarget, ...]:
    """Targets must be told apart: no two with the same label (name or account)."""
    seen: set[str] = set()
    for target in targets:
        if target.label in seen:
            raise ValueError(
                f"two targets are both called {target.label!r}; give each a distinct name"
            )
        seen.add(target.label)
    return targets
