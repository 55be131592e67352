"""Target regions read the account and region they name, through an assumed role."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from pydantic import ValidationError

from bot.adapters.aws.targets import target_regions
from bot.config.sections import AwsSettings
from bot.config.targets import AwsTarget

OTHER = "222233334444"
ROLE = f"arn:aws:iam::{OTHER}:role/genai-ops-reader"
AT = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def put_invocations(cloudwatch: object, model: str) -> None:
    cloudwatch.put_metric_data(  # type: ignore[attr-defined]
        Namespace="AWS/Bedrock",
        MetricData=[
            {
                "MetricName": "Invocations",
                "Dimensions": [{"Name": "ModelId", "Value": model}],
                "Timestamp": AT,
                "Value": 5,
            }
        ],
    )


def models_seen(cloudwatch: object) -> set[str]:
    pages = cloudwatch.list_metrics(Namespace="AWS/Bedrock")  # type: ignore[attr-defined]
    return {m["Dimensions"][0]["Value"] for m in pages["Metrics"]}


def test_an_assumed_role_reads_its_own_account_and_region(aws: str) -> None:
    sts = boto3.client("sts")
    creds = sts.assume_role(RoleArn=ROLE, RoleSessionName="seed")["Credentials"]
    other = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    put_invocations(other.client("cloudwatch", region_name="us-west-2"), "model-in-b-west")
    put_invocations(boto3.client("cloudwatch", region_name="us-west-2"), "model-in-a-west")

    targets = (
        AwsTarget(name="prod", role_arn=ROLE, external_id="x-123", regions=("us-west-2",)),
        AwsTarget(name="home", regions=("us-east-1", "us-west-2")),
    )
    regions = target_regions(targets)

    assert [(r.label, r.region) for r in regions] == [
        ("prod", "us-west-2"),
        ("home", "us-east-1"),
        ("home", "us-west-2"),
    ]
    assert regions[0].labels() == {"account": OTHER, "region": "us-west-2"}
    assert models_seen(regions[0].client("cloudwatch")) == {"model-in-b-west"}
    assert models_seen(regions[1].client("cloudwatch")) == set()
    assert models_seen(regions[2].client("cloudwatch")) == {"model-in-a-west"}
    assert len({r.key for r in regions}) == 3


def test_no_targets_is_the_one_account_and_region_boto3_uses(aws: str) -> None:
    (only,) = target_regions(())
    assert only.default and only.key == "" and only.region == "us-east-1"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ({"role_arn": "arn:aws:iam::12:role/x"}, "must be an IAM role ARN"),
        ({"account_id": "1234"}, "12-digit"),
        ({"regions": ["us-east-1", "mars-1"]}, "not an AWS region"),
        ({"account_id": "111111111111", "role_arn": ROLE}, "differs from role_arn"),
        ({"external_id": "abc"}, "external_id needs role_arn"),
    ],
)
def test_a_wrong_target_is_named_in_the_error(target: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        AwsTarget.model_validate(target)


def test_two_targets_with_one_label_are_refused() -> None:
    with pytest.raises(ValidationError, match="both called 'prod'"):
        AwsSettings(targets=(AwsTarget(name="prod"), AwsTarget(name="prod")))
