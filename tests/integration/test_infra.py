"""The SAM template: expanded as `sam deploy` would, deployed into moto, and checked.

moto's CloudFormation builds the table, roles, policies, log groups, functions and the
dashboard; it cannot build the Scheduler schedule, the subscription filter or the HTTP API
(nor apply the table's TTL), so those are checked in the expanded template instead.
"""

from __future__ import annotations

import ast
import importlib
import io
import json
import zipfile
from typing import Any

import boto3
import pytest

from bot.adapters.clock import SystemClock
from bot.adapters.store.dynamodb import DynamoStore
from bot.adapters.store.dynamodb_table import KEY_SCHEMA, TTL_ATTRIBUTE
from bot.config.load import load_settings, unknown_env_vars
from tests.support.sam import expanded_template, without

STACK = "genai-ops"
NOT_IN_MOTO = {
    "AWS::Scheduler::Schedule",
    "AWS::Logs::SubscriptionFilter",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Stage",
}
# Actions that AWS only grants on Resource "*" (no resource-level permissions).
STAR_RESOURCE_OK = {
    "cloudwatch:GetMetricData",
    "cloudwatch:ListMetrics",
    "cloudwatch:PutMetricData",
    "servicequotas:ListServiceQuotas",  # list actions with no resource types in IAM
    "servicequotas:ListAWSDefaultServiceQuotas",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
}


@pytest.fixture(scope="module")
def template() -> Any:
    return expanded_template({"EnableUsageSubscription": "true"})


@pytest.fixture
def stack(aws: str, template: Any) -> dict[str, Any]:
    return deploy(template)


def deploy(template: Any, **more: str) -> dict[str, Any]:
    """The expanded template deployed into moto with its usual parameters and ``more``."""
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="code")
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("bot/__init__.py", "")
    s3.put_object(Bucket="code", Key="bot.zip", Body=package.getvalue())
    secret = boto3.client("secretsmanager").create_secret(Name="genai-ops/slack", SecretString="{}")
    cfn = boto3.client("cloudformation")
    parameters = {
        "SlackSecretArn": secret["ARN"],
        "AlertChannel": "C0ALERTS",
        "EnableUsageSubscription": "true",
        "MonthlyBudgetUsd": "2500",
        "AskModelId": "us.anthropic.claude-3-5-haiku-20241022-v1:0",
        **more,
    }
    cfn.create_stack(
        StackName=STACK,
        TemplateBody=json.dumps(without(template, NOT_IN_MOTO)),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
    )
    (described,) = cfn.describe_stacks(StackName=STACK)["Stacks"]
    assert described["StackStatus"] == "CREATE_COMPLETE", described.get("StackStatusReason")
    resources = cfn.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
    return {
        "secret": secret["ARN"],
        "ids": {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources},
    }


def test_state_table_matches_the_store(stack: dict[str, Any], template: Any) -> None:
    dynamodb = boto3.client("dynamodb")
    name = stack["ids"]["StateTable"]
    table = dynamodb.describe_table(TableName=name)["Table"]
    assert table["KeySchema"] == KEY_SCHEMA
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    # moto's CloudFormation does not apply TimeToLiveSpecification: check what AWS is sent.
    ttl = template["Resources"]["StateTable"]["Properties"]["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    store = DynamoStore(name, SystemClock())
    assert store.put("alert", "fp1", {"state": "firing"}, expected_version=0) == 1
    assert [r.key for r in store.scan("alert")] == ["fp1"]


def policy_statements(
    ids: dict[str, str], role_logical_id: str, iam: Any = None
) -> list[dict[str, Any]]:
    """Every statement of the role's inline and attached policies (``iam``: another account's)."""
    iam = iam or boto3.client("iam")
    role = ids[role_logical_id]
    statements: list[dict[str, Any]] = []
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        statements += _statements(document)
    for attached in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        policy = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
        version = iam.get_policy_version(
            PolicyArn=attached["PolicyArn"], VersionId=policy["DefaultVersionId"]
        )
        statements += _statements(version["PolicyVersion"]["Document"])
    return statements


def _statements(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, str):  # moto keeps CloudFormation-made documents as Python reprs
        document = ast.literal_eval(document) if document.startswith("{'") else json.loads(document)
    return [
        {
            **s,
            "Action": _list(s["Action"]),
            "Resource": _list(s["Resource"]),
        }
        for s in document["Statement"]
    ]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def granted(statements: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Each action and the resources it is granted on."""
    actions: dict[str, set[str]] = {}
    for statement in statements:
        assert statement["Effect"] == "Allow"
        for action in statement["Action"]:
            actions.setdefault(action, set()).update(statement["Resource"])
    return actions


@pytest.mark.parametrize("role", ["SlackRole", "PollerRole", "UsageRole", "SchedulerRole"])
def test_roles_name_every_action_and_scope_resources(stack: dict[str, Any], role: str) -> None:
    actions = granted(policy_statements(stack["ids"], role))
    assert actions
    for action, resources in actions.items():
        assert "*" not in action, f"{role} grants a wildcard action {action}"
        if "*" in resources:
            assert action in STAR_RESOURCE_OK, f"{role}: {action} on Resource '*'"


def test_functions_reach_exactly_their_own_state_secret_and_self(stack: dict[str, Any]) -> None:
    ids = stack["ids"]
    table_arn = boto3.client("dynamodb").describe_table(TableName=ids["StateTable"])["Table"][
        "TableArn"
    ]
    slack_arn = boto3.client("lambda").get_function(FunctionName=ids["SlackFunction"])[
        "Configuration"
    ]["FunctionArn"]
    for role in ("SlackRole", "PollerRole", "UsageRole"):
        actions = granted(policy_statements(ids, role))
        store_actions = {a for a in actions if a.startswith("dynamodb:")}
        expected = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"}
        if role != "UsageRole":  # the usage function only adds to roll-ups
            expected.add("dynamodb:DeleteItem")
        assert store_actions == expected
        assert all(actions[a] == {table_arn} for a in store_actions)
        assert actions["secretsmanager:GetSecretValue"] == {stack["secret"]}
    slack = granted(policy_statements(ids, "SlackRole"))
    assert slack["lambda:InvokeFunction"] == {slack_arn}  # lazy listeners: itself, nothing else
    poller_arn = boto3.client("lambda").get_function(FunctionName=ids["PollerFunction"])[
        "Configuration"
    ]["FunctionArn"]
    assert granted(policy_statements(ids, "SchedulerRole")) == {
        "lambda:InvokeFunction": {poller_arn}
    }


def test_metric_writes_are_pinned_to_the_bots_namespaces(stack: dict[str, Any]) -> None:
    for role, namespaces in {
        "SlackRole": ["GenAIOps/Feedback"],
        "PollerRole": ["GenAIOps/Usage"],
        "UsageRole": ["GenAIOps/Usage"],
    }.items():
        (statement,) = [
            s
            for s in policy_statements(stack["ids"], role)
            if "cloudwatch:PutMetricData" in s["Action"]
        ]
        pinned = statement["Condition"]["StringEquals"]["cloudwatch:namespace"]
        assert sorted(_list(pinned)) == namespaces


@pytest.mark.parametrize(
    ("function", "handler"),
    [
        ("SlackFunction", "bot.entrypoints.lambda_handlers.slack_handler"),
        ("PollerFunction", "bot.entrypoints.lambda_handlers.poll_handler"),
        ("UsageFunction", "bot.entrypoints.lambda_handlers.usage_handler"),
    ],
)
def test_functions_are_traced_and_keep_secrets_out_of_env(
    stack: dict[str, Any],
    template: Any,
    function: str,
    handler: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = boto3.client("lambda").get_function_configuration(FunctionName=stack["ids"][function])
    assert config["Handler"] == handler
    module, name = handler.rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), name))
    # moto's CloudFormation drops TracingConfig: check what AWS is sent.
    tracing = template["Resources"][function]["Properties"]["TracingConfig"]
    assert tracing == {"Mode": "Active"}
    env = config["Environment"]["Variables"]
    assert env["GENAI_OPS_SLACK_SECRET_ARN"] == stack["secret"]
    assert env["GENAI_OPS_STATE_URL"] == f"dynamodb://{stack['ids']['StateTable']}"
    assert not [k for k in env if "TOKEN" in k or "SIGNING" in k]
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert unknown_env_vars() == []  # every variable the template sets is a setting
    settings = load_settings(None)
    assert (
        settings.slack.alert_channel == "C0ALERTS" and settings.slack.secret_arn == stack["secret"]
    )
    assert settings.aws.usage_source == "push"  # the subscription filter is on in this stack
    assert [(b.period, b.amount_usd) for b in settings.cost.all_budgets] == [("monthly", 2500)]
    assert settings.ask.default_model == "us.anthropic.claude-3-5-haiku-20241022-v1:0"


def test_logs_have_retention_and_the_invocation_log_group_is_not_the_stacks(
    stack: dict[str, Any],
) -> None:
    logs = boto3.client("logs")
    groups = {g["logGroupName"]: g for g in logs.describe_log_groups()["logGroups"]}
    assert "/aws/bedrock/modelinvocations" not in groups  # taken as a parameter, never made
    for function in ("slack", "poller", "usage"):
        assert groups[f"/aws/lambda/{STACK}-{function}"]["retentionInDays"] == 30


def test_dashboard_covers_the_four_layers(stack: dict[str, Any]) -> None:
    body = boto3.client("cloudwatch").get_dashboard(DashboardName=f"{STACK}-bedrock")
    widgets = json.loads(body["DashboardBody"])["widgets"]
    titles = [w["properties"]["title"] for w in widgets]
    for topic in (
        "Invocations",
        "Latency",
        "Errors",
        "Throttles",
        "Tokens",
        "cost",
        "Guardrail",
        "Feedback",
    ):
        assert any(topic.lower() in t.lower() for t in titles), (topic, titles)
    text = json.dumps(widgets)
    for namespace in (
        "AWS/Bedrock,",
        "AWS/Bedrock/Guardrails",
        "GenAIOps/Feedback",
        "GenAIOps/Usage",
    ):
        assert namespace in text


def test_schedule_and_subscription_are_wired(template: Any) -> None:
    resources = template["Resources"]
    schedule = resources["PollerSchedule"]
    target = schedule["Properties"]["Target"]
    assert target["Arn"] == {"Fn::GetAtt": ["PollerFunction", "Arn"]}
    assert target["RoleArn"] == {"Fn::GetAtt": ["SchedulerRole", "Arn"]}
    assert json.loads(target["Input"])["time"] == "<aws.scheduler.scheduled-time>"
    assert schedule["Properties"]["ScheduleExpression"] == {"Ref": "PollSchedule"}
    (subscription,) = [
        r for r in resources.values() if r["Type"] == "AWS::Logs::SubscriptionFilter"
    ]
    assert subscription["Condition"] == "UsageSubscription"
    assert subscription["Properties"]["DestinationArn"] == {"Fn::GetAtt": ["UsageFunction", "Arn"]}
    routes = [r for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Api"]
    assert "/slack/events" in json.dumps(routes)


def test_routes_and_mute_times_reach_every_function(
    aws: str, template: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The poller routes alerts, the Slack function checks buttons per route and the digest
    posts per route: all three read the same [[routes]] and [[time_intervals]]."""
    routes = [
        {"name": "search", "match": {"team": "search"}, "channel": "C0SEARCH1"},
        {"name": "quiet", "match": {"severity": "warning"}, "mute_times": ["nights"]},
    ]
    intervals = [
        {
            "name": "nights",
            "times": [{"start_time": "20:00", "end_time": "08:00"}],
            "time_zone": "Europe/Berlin",
        }
    ]
    stack = deploy(template, Routes=json.dumps(routes), TimeIntervals=json.dumps(intervals))
    functions = ("SlackFunction", "PollerFunction", "UsageFunction")
    for function in functions:
        config = boto3.client("lambda").get_function_configuration(
            FunctionName=stack["ids"][function]
        )
        with monkeypatch.context() as env:
            for key, value in config["Environment"]["Variables"].items():
                env.setenv(key, value)
            settings = load_settings(None)
        assert [r.name for r in settings.routing.routes] == ["search", "quiet"], function
        assert [t.name for t in settings.routing.time_intervals] == ["nights"], function
