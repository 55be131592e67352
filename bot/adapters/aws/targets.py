"""Sessions for each watched account and region, assuming a role through STS where asked.

A target with ``role_arn`` gets credentials from ``sts:AssumeRole`` (with its external id),
fetched at its first call and refreshed before they expire, so a denied or broken target
fails inside its own poll work, never at start-up and never for the other targets. A target
without a role uses the bot's own credentials.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.session
from botocore.credentials import DeferredRefreshableCredentials

from bot.adapters.aws.clients import client_config, use_aws_region
from bot.config.targets import AwsTarget

SESSION_NAME = "genai-ops-bot"
ROLE_SECONDS = 3600


@dataclass(frozen=True)
class TargetRegion:
    """One region of one target: its labels and a boto3 session to read it with."""

    label: str  # the target's name (or account id); "default" for boto3's own
    account: str | None  # the account id when known from settings
    region: str
    session: boto3.session.Session = field(repr=False, compare=False)
    log_group: str | None = None
    linked_accounts: bool = False
    default: bool = False  # the single target of a bot with no [[aws.targets]]

    @property
    def key(self) -> str:
        """Names this target region in store keys (cursors, detector state, caches)."""
        return "" if self.default else f"{self.label}/{self.region}"

    def labels(self) -> dict[str, str]:
        return {"account": self.account or self.label, "region": self.region}

    def client(
        self, service: str, *, interval_seconds: int = 300, read_timeout: int | None = None
    ) -> Any:
        """A client of this target region with the bot's timeouts and retries."""
        return self.session.client(
            service,
            region_name=self.region,
            config=client_config(interval_seconds, read_timeout),
        )


def assume_role_fetcher(
    sts: Callable[[], Any], role_arn: str, external_id: str | None
) -> Callable[[], dict[str, str]]:
    """What botocore calls to get (and later refresh) the role's credentials."""

    def fetch() -> dict[str, str]:
        args: dict[str, Any] = {
            "RoleArn": role_arn,
            "RoleSessionName": SESSION_NAME,
            "DurationSeconds": ROLE_SECONDS,
        }
        if external_id:
            args["ExternalId"] = external_id
        creds = sts().assume_role(**args)["Credentials"]
        return {
            "access_key": creds["AccessKeyId"],
            "secret_key": creds["SecretAccessKey"],
            "token": creds["SessionToken"],
            "expiry_time": creds["Expiration"].isoformat(),
        }

    return fetch


def role_session(
    role_arn: str, external_id: str | None, region: str, *, sts_client: Any = None
) -> boto3.session.Session:
    """A session whose credentials come from assuming ``role_arn`` on first use (through
    ``sts_client`` when given, else an STS client on the bot's own credentials)."""
    base = boto3.session.Session()

    def sts() -> Any:
        if sts_client is not None:
            return sts_client
        return base.client("sts", region_name=region, config=client_config())

    core = botocore.session.get_session()
    core._credentials = DeferredRefreshableCredentials(  # the documented refresh hook
        refresh_using=assume_role_fetcher(sts, role_arn, external_id),
        method="sts-assume-role",
    )
    return boto3.session.Session(botocore_session=core, region_name=region)


def target_regions(
    targets: tuple[AwsTarget, ...], default_log_group: str | None = None
) -> list[TargetRegion]:
    """Every (target, region) pair to read; boto3's own account and region when none."""
    home = use_aws_region() or "us-east-1"
    if not targets:
        return [
            TargetRegion(
                label="default",
                account=None,
                region=home,
                session=boto3.session.Session(region_name=home),
                log_group=default_log_group,
                default=True,
            )
        ]
    out = []
    for target in targets:
        for region in target.regions or (home,):
            session = (
                role_session(target.role_arn, target.external_id, region)
                if target.role_arn
                else boto3.session.Session(region_name=region)
            )
            out.append(
                TargetRegion(
                    label=target.label,
                    account=target.account,
                    region=region,
                    session=session,
                    log_group=target.invocation_log_group or default_log_group,
                    linked_accounts=target.linked_accounts,
                )
            )
    return out
