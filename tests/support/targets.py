"""Two accounts and several regions in moto: targets, a second account's client, a denied role."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.stub import Stubber

from bot.adapters.aws.targets import TargetRegion, role_session
from bot.config.targets import AwsTarget

HOME = "123456789012"  # moto's own account
OTHER = "222233334444"
LOCKED = "333344445555"
END = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
TARGETS = (
    AwsTarget(name="prod", role_arn=f"arn:aws:iam::{OTHER}:role/reader", regions=("us-west-2",)),
    AwsTarget(name="home", regions=("us-east-1", "eu-west-1")),
    AwsTarget(name="locked", role_arn=f"arn:aws:iam::{LOCKED}:role/reader"),
)


def other_account(region: str) -> Any:
    creds = boto3.client("sts").assume_role(RoleArn=TARGETS[0].role_arn, RoleSessionName="seed")
    keys = creds["Credentials"]
    return boto3.client(
        "cloudwatch",
        region_name=region,
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
    )


def denied(target: TargetRegion, times: int = 3) -> TargetRegion:
    """The target, with STS refusing its AssumeRole (at the wire, as AWS answers)."""
    sts = boto3.client("sts", region_name=target.region)
    stub = Stubber(sts)
    for _ in range(times):
        stub.add_client_error(
            "assume_role",
            service_error_code="AccessDenied",
            service_message=f"User: arn:aws:iam::{HOME}:user/bot is not authorized to perform: "
            f"sts:AssumeRole on resource: {target.session}",
            http_status_code=403,
        )
    stub.activate()
    session = role_session(
        f"arn:aws:iam::{LOCKED}:role/reader", None, target.region, sts_client=sts
    )
    return replace(target, session=session)
