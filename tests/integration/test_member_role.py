"""The member-account reader role (infra/member-role.yaml), deployed into moto in a second
account and assumed from the bot's account: it grants exactly the read-only features the
permission table lists for member accounts, and trusts only the bot."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from bot.adapters.aws.permissions import FEATURES, MEMBER_OPTIONAL, MEMBER_ROLE
from tests.integration.test_infra import granted, policy_statements
from tests.support.sam import MEMBER_TEMPLATE, plain_template

BOT_ACCOUNT = "123456789012"  # moto's default account: where the bot runs
MEMBER_ACCOUNT = "111122223333"
LOG_GROUP = "/aws/bedrock/modelinvocations"
EXTERNAL_ID = "genai-ops-7f3a"
READ_VERBS = ("List", "Get", "Filter")


def member_session() -> boto3.Session:
    """Credentials of an administrator of the member account (moto switches account by role)."""
    answer = boto3.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{MEMBER_ACCOUNT}:role/OrganizationAccountAccessRole",
        RoleSessionName="stackset",
    )
    credentials = answer["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name="us-east-1",
    )


def deploy_member(session: boto3.Session, **parameters: str) -> dict[str, Any]:
    """The member template as a stack in the member account; its outputs and resource ids."""
    cfn = session.client("cloudformation")
    cfn.create_stack(
        StackName="genai-ops-reader",
        TemplateBody=json.dumps(plain_template(MEMBER_TEMPLATE)),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    (described,) = cfn.describe_stacks(StackName="genai-ops-reader")["Stacks"]
    assert described["StackStatus"] == "CREATE_COMPLETE", described.get("StackStatusReason")
    resources = cfn.list_stack_resources(StackName="genai-ops-reader")["StackResourceSummaries"]
    return {
        "outputs": {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])},
        "ids": {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources},
    }


def test_bot_assumes_the_member_role_with_its_external_id(aws: str) -> None:
    member = member_session()
    stack = deploy_member(
        member,
        BotPrincipal=BOT_ACCOUNT,
        ExternalId=EXTERNAL_ID,
        InvocationLogGroupName=LOG_GROUP,
    )
    role_arn = f"arn:aws:iam::{MEMBER_ACCOUNT}:role/genai-ops-reader"
    assert stack["outputs"] == {"RoleArn": role_arn}
    bot_roles = [r["RoleName"] for r in boto3.client("iam").list_roles()["Roles"]]
    assert "genai-ops-reader" not in bot_roles  # made in the member account, not the bot's

    role = member.client("iam").get_role(RoleName="genai-ops-reader")["Role"]
    (trust,) = _document(role["AssumeRolePolicyDocument"])["Statement"]
    assert trust["Action"] == "sts:AssumeRole"
    assert _principals(trust) == [BOT_ACCOUNT]
    assert trust["Condition"] == {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}

    answer = boto3.client("sts").assume_role(
        RoleArn=stack["outputs"]["RoleArn"], RoleSessionName="genai-ops", ExternalId=EXTERNAL_ID
    )
    assumed = boto3.client(
        "sts",
        aws_access_key_id=answer["Credentials"]["AccessKeyId"],
        aws_secret_access_key=answer["Credentials"]["SecretAccessKey"],
        aws_session_token=answer["Credentials"]["SessionToken"],
    ).get_caller_identity()
    assert assumed["Account"] == MEMBER_ACCOUNT
    assert ":assumed-role/genai-ops-reader/genai-ops" in assumed["Arn"]


def test_without_an_external_id_the_trust_has_no_condition(aws: str) -> None:
    member = member_session()
    deploy_member(member, BotPrincipal=f"arn:aws:iam::{BOT_ACCOUNT}:role/genai-ops-poller")
    role = member.client("iam").get_role(RoleName="genai-ops-reader")["Role"]
    (trust,) = _document(role["AssumeRolePolicyDocument"])["Statement"]
    assert _principals(trust) == [f"arn:aws:iam::{BOT_ACCOUNT}:role/genai-ops-poller"]
    assert "Condition" not in trust


@pytest.mark.parametrize(
    ("parameters", "left_out"),
    [
        ({"InvocationLogGroupName": LOG_GROUP}, set()),
        ({}, {"cost"}),  # no log group named: no logs permission at all
        ({"InvocationLogGroupName": LOG_GROUP, "AllowServiceQuotas": "false"}, {"quotas"}),
    ],
    ids=["everything", "metrics-only", "no-quotas"],
)
def test_member_role_grants_exactly_the_member_features(
    aws: str, parameters: dict[str, str], left_out: set[str]
) -> None:
    member = member_session()
    stack = deploy_member(member, BotPrincipal=BOT_ACCOUNT, **parameters)
    actions = granted(policy_statements(stack["ids"], "ReaderRole", member.client("iam")))
    features = [name for name in MEMBER_ROLE if name not in left_out]
    assert left_out <= set(MEMBER_OPTIONAL)
    expected: dict[str, set[str]] = {}
    for name in features:
        for grant in FEATURES[name].grants:
            for action in grant.actions:
                expected.setdefault(action, set()).update(
                    _resolve(resource, parameters) for resource in grant.resources
                )
    assert actions == expected
    assert all(a.split(":")[1].startswith(READ_VERBS) for a in actions), sorted(actions)


def _resolve(resource: str, parameters: dict[str, str]) -> str:
    """A table resource pattern as the member account's role grants it: any region."""
    for placeholder, value in {
        "${Partition}": "aws",
        "${Region}": "*",  # one role per account serves every region the bot reads
        "${Account}": MEMBER_ACCOUNT,
        "${InvocationLogGroup}": parameters.get("InvocationLogGroupName", ""),
    }.items():
        resource = resource.replace(placeholder, value)
    return resource


def _document(document: Any) -> Any:
    return json.loads(document) if isinstance(document, str) else document


def _principals(statement: dict[str, Any]) -> list[str]:
    principal = statement["Principal"]["AWS"]
    return principal if isinstance(principal, list) else [principal]
