"""The template grants each function exactly what docs/aws.md's policies say it needs, and its
parameters' examples are settings the functions accept."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest

from alarms.rules import default_rules
from bot.adapters.aws.permissions import FEATURES, FUNCTIONS, TARGET_READERS
from bot.app.poll.history import series_per_subject
from bot.config.load import load_settings
from tests.integration import test_infra
from tests.integration.test_infra import granted, policy_statements
from tests.support.sam import TEMPLATE, expanded_template

stack = test_infra.stack  # the template deployed into moto (and the expanded template it needs)
template = test_infra.template

COMMON = {
    "secretsmanager:GetSecretValue",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
}
USAGE_STATE = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"}


@pytest.mark.parametrize("role", sorted(FUNCTIONS))
def test_each_function_gets_exactly_its_features(stack: dict[str, Any], role: str) -> None:
    actions = set(granted(policy_statements(stack["ids"], role)))
    needed = {a for feature in FUNCTIONS[role] for a in FEATURES[feature].actions}
    if role == "SlackRole":
        needed.add("lambda:InvokeFunction")  # lazy listeners re-invoke the function
    if role == "UsageRole":
        needed = needed - set(FEATURES["state"].actions) | USAGE_STATE
    assert actions == needed | COMMON


def test_slack_function_cannot_read_prompts(stack: dict[str, Any]) -> None:
    slack = granted(policy_statements(stack["ids"], "SlackRole"))
    assert "logs:FilterLogEvents" not in slack  # the invocation logs hold prompts


def test_usage_function_touches_only_usage_documents(stack: dict[str, Any]) -> None:
    (statement,) = [
        s
        for s in policy_statements(stack["ids"], "UsageRole")
        if any(a.startswith("dynamodb:") for a in s["Action"])
    ]
    assert statement["Condition"] == {
        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["usage_*"]}
    }


@pytest.fixture(scope="module")
def plain() -> Any:
    return expanded_template({"EnableUsageSubscription": "true"})


def test_state_table_has_a_fixed_name_and_can_be_an_existing_one() -> None:
    made = expanded_template({})["Resources"]
    assert made["StateTable"]["Properties"]["TableName"] == {"Fn::Sub": "${AWS::StackName}-state"}
    assert made["StateTable"]["DeletionPolicy"] == "Retain"
    assert made["StateTable"]["Condition"] == "CreateStateTable"


def test_slack_function_is_bounded(plain: Any) -> None:
    resources = plain["Resources"]
    function = resources["SlackFunction"]["Properties"]
    assert function["ReservedConcurrentExecutions"] == {"Ref": "SlackConcurrency"}
    (stage,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Stage"]
    settings = stage["Properties"]["DefaultRouteSettings"]
    assert settings["ThrottlingRateLimit"] == {"Ref": "SlackRequestsPerSecond"}


def test_function_log_groups_can_take_a_kms_key(plain: Any) -> None:
    for name in ("SlackLogs", "PollerLogs", "UsageLogs"):
        key = plain["Resources"][name]["Properties"]["KmsKeyId"]
        assert key == {"Fn::If": ["HasLogsKey", {"Ref": "LogsKmsKeyArn"}, {"Ref": "AWS::NoValue"}]}


def test_no_log_group_for_invocation_logs_is_created_or_retained(plain: Any) -> None:
    groups = [r for r in plain["Resources"].values() if r["Type"] == "AWS::Logs::LogGroup"]
    assert all("/aws/lambda/" in json.dumps(g["Properties"]["LogGroupName"]) for g in groups)


def test_parameter_examples_are_accepted_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    text = TEMPLATE.read_text()
    rules = re.search(r"\(GENAI_OPS_RULES\), e\.g\.\s+(\[.*?\])\.", text, re.S)
    aliases = re.search(r"\(GENAI_OPS_MODEL_ALIASES\), e\.g\.\s+(\{.*?\})\.", text, re.S)
    targets = re.search(r"\(GENAI_OPS_AWS__TARGETS\), e\.g\.\s+(\[.*?\])\.", text, re.S)
    assert rules and aliases and targets
    monkeypatch.setenv("GENAI_OPS_RULES", " ".join(rules.group(1).split()))
    monkeypatch.setenv("GENAI_OPS_MODEL_ALIASES", " ".join(aliases.group(1).split()))
    monkeypatch.setenv("GENAI_OPS_AWS__TARGETS", " ".join(targets.group(1).split()))
    settings = load_settings()
    assert settings.aws.targets[0].regions == ("us-east-1", "us-west-2")
    assert settings.rules[0].kind == "latency_spike"
    assert next(iter(settings.model_aliases.values())).startswith("anthropic.")


def test_schedule_states_the_series_count_the_bot_reads() -> None:
    plain_, streaming, guardrail = series_per_subject(default_rules())
    text = " ".join(TEMPLATE.read_text().split())
    assert (
        f"Each poll reads {plain_} CloudWatch series per model ({streaming} if it streams) "
        f"and up to {guardrail} per guardrail" in text
    )


TARGET_ROLES = [
    "arn:aws:iam::111122223333:role/genai-ops-reader",
    "arn:aws:iam::777788889999:role/genai-ops-reader",
]
TARGETS = json.dumps(
    [
        {"name": "prod", "role_arn": TARGET_ROLES[0], "regions": ["us-east-1", "us-west-2"]},
        {"name": "research", "role_arn": TARGET_ROLES[1], "external_id": "genai-ops-7f3a"},
    ]
)


def test_functions_assume_exactly_the_listed_target_roles(
    aws: str, template: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployed = test_infra.deploy(template, Targets=TARGETS, TargetRoleArns=",".join(TARGET_ROLES))
    for role in TARGET_READERS:
        actions = granted(policy_statements(deployed["ids"], role))
        assumed = {a: resources for a, resources in actions.items() if a.startswith("sts:")}
        assert assumed == {a: set(TARGET_ROLES) for a in FEATURES["targets"].actions}, role
    scheduler = granted(policy_statements(deployed["ids"], "SchedulerRole"))
    assert "sts:AssumeRole" not in scheduler
    for function in ("SlackFunction", "PollerFunction", "UsageFunction"):
        env = _environment(deployed["ids"][function])
        assert json.loads(env["GENAI_OPS_AWS__TARGETS"]) == json.loads(TARGETS)
    monkeypatch.setenv("GENAI_OPS_AWS__TARGETS", env["GENAI_OPS_AWS__TARGETS"])
    targets = load_settings(None).aws.targets  # the parameter is settings the functions accept
    assert [(t.label, t.role_arn) for t in targets] == [
        ("prod", TARGET_ROLES[0]),
        ("research", TARGET_ROLES[1]),
    ]


def test_without_target_roles_no_function_may_assume_a_role(stack: dict[str, Any]) -> None:
    for role in (*TARGET_READERS, "SchedulerRole"):
        actions = granted(policy_statements(stack["ids"], role))
        assert not [a for a in actions if a.startswith("sts:")], role
    for function in ("SlackFunction", "PollerFunction", "UsageFunction"):
        assert "GENAI_OPS_AWS__TARGETS" not in _environment(stack["ids"][function])


def _environment(function_name: str) -> dict[str, str]:
    config = boto3.client("lambda").get_function_configuration(FunctionName=function_name)
    variables: dict[str, str] = config["Environment"]["Variables"]
    return variables
