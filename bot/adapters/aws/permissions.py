"""Which IAM actions each feature of the bot needs, on which resources.

One table serves three readers: ``genai-ops check-config`` (a dry call per action),
``docs/aws.md`` (a ready least-privilege policy per feature, generated from here) and the tests
that hold the SAM template's roles and the member-account reader role
(``infra/member-role.yaml``) to exactly these grants.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

STAR = "*"  # for actions AWS authorises on no narrower resource


@dataclass(frozen=True)
class Grant:
    """Actions allowed on resources (ARN patterns with ``${Region}``-style placeholders)."""

    actions: tuple[str, ...]
    resources: tuple[str, ...] = (STAR,)
    condition: dict[str, Any] | None = None


@dataclass(frozen=True)
class Feature:
    name: str
    what: str
    grants: tuple[Grant, ...]

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(action for grant in self.grants for action in grant.actions)

    def policy(self) -> dict[str, Any]:
        """An IAM policy document granting this feature and nothing else."""
        statements = []
        for grant in self.grants:
            many = len(grant.resources) > 1
            statement: dict[str, Any] = {
                "Effect": "Allow",
                "Action": list(grant.actions),
                "Resource": list(grant.resources) if many else grant.resources[0],
            }
            if grant.condition:
                statement["Condition"] = grant.condition
            statements.append(statement)
        return {"Version": "2012-10-17", "Statement": statements}


ARN = "arn:${Partition}"
STATE_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query")
LOG_GROUP = f"{ARN}:logs:${{Region}}:${{Account}}:log-group:${{InvocationLogGroup}}:*"
TABLE = f"{ARN}:dynamodb:${{Region}}:${{Account}}:table/${{StateTable}}"

FEATURES: dict[str, Feature] = {
    feature.name: feature
    for feature in (
        Feature(
            "alerts",
            "read Bedrock metrics: poll, /genai-stats (every deployment needs this)",
            (Grant(("cloudwatch:ListMetrics", "cloudwatch:GetMetricData")),),
        ),
        Feature(
            "quotas",
            "read Bedrock's tokens-per-minute quotas: quota_saturation (without it, set "
            "quotas_tpm in the rule)",
            (
                Grant(
                    (
                        "servicequotas:ListServiceQuotas",
                        "servicequotas:ListAWSDefaultServiceQuotas",
                    )
                ),
            ),
        ),
        Feature(
            "cost",
            "read Bedrock invocation logs: budgets, spend, callers and tags",
            (Grant(("logs:FilterLogEvents",), (LOG_GROUP,)),),
        ),
        Feature(
            "find-logs",
            "ask Bedrock where invocation logs go (not needed when "
            "GENAI_OPS_INVOCATION_LOG_GROUP is set, as on Lambda)",
            (Grant(("bedrock:GetModelInvocationLoggingConfiguration",)),),
        ),
        Feature(
            "pricing",
            "price calls through application inference profiles (else they stay unpriced)",
            (
                Grant(
                    ("bedrock:GetInferenceProfile",),
                    (f"{ARN}:bedrock:${{Region}}:${{Account}}:application-inference-profile/*",),
                ),
            ),
        ),
        Feature(
            "state",
            "the DynamoDB state table (GENAI_OPS_STATE_URL=dynamodb://TABLE)",
            (
                Grant(
                    STATE_ACTIONS,
                    (TABLE,),
                ),
            ),
        ),
        Feature(
            "ask",
            "/genai-ask: Converse on models and inference profiles, with the guardrail",
            (
                Grant(
                    ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"),
                    (
                        f"{ARN}:bedrock:*::foundation-model/*",
                        f"{ARN}:bedrock:*:${{Account}}:inference-profile/*",
                        f"{ARN}:bedrock:*:${{Account}}:application-inference-profile/*",
                    ),
                ),
                Grant(
                    ("bedrock:ApplyGuardrail",),
                    (f"{ARN}:bedrock:${{Region}}:${{Account}}:guardrail/*",),
                ),
            ),
        ),
        Feature(
            "feedback",
            "votes on answers published as CloudWatch metrics (pinned to the namespace)",
            (
                Grant(
                    ("cloudwatch:PutMetricData",),
                    condition={"StringEquals": {"cloudwatch:namespace": "${FeedbackNamespace}"}},
                ),
            ),
        ),
        Feature(
            "cost-metric",
            "on Lambda: the dashboard's EstimatedCostUSD metric (pinned to the namespace)",
            (
                Grant(
                    ("cloudwatch:PutMetricData",),
                    condition={"StringEquals": {"cloudwatch:namespace": "${UsageNamespace}"}},
                ),
            ),
        ),
        Feature(
            "setup-logging",
            "genai-ops setup-logging: turn on Bedrock invocation logging (once, by an admin)",
            (
                Grant(
                    (
                        "bedrock:GetModelInvocationLoggingConfiguration",
                        "bedrock:PutModelInvocationLoggingConfiguration",
                    )
                ),
                Grant(
                    ("iam:PassRole",),
                    (f"{ARN}:iam::${{Account}}:role/${{BedrockLoggingRole}}",),
                    {"StringEquals": {"iam:PassedToService": "bedrock.amazonaws.com"}},
                ),
            ),
        ),
        Feature(
            "targets",
            "read other accounts: assume the member-account reader roles that the targets' "
            "role_arn names (docs/accounts.md)",
            (Grant(("sts:AssumeRole",), (f"{ARN}:iam::${{TargetAccount}}:role/${{TargetRole}}",)),),
        ),
        Feature(
            "create-table",
            "genai-ops create-table: the DynamoDB state table outside CloudFormation",
            (
                Grant(
                    ("dynamodb:CreateTable", "dynamodb:DescribeTable", "dynamodb:UpdateTimeToLive"),
                    (TABLE,),
                ),
            ),
        ),
    )
}

# What each Lambda function of infra/template.yaml does, besides its own logs, traces and the
# Slack secret (and the table: every function keeps state).
FUNCTIONS: dict[str, tuple[str, ...]] = {
    "SlackRole": ("alerts", "pricing", "ask", "feedback", "state"),
    "PollerRole": ("alerts", "quotas", "cost", "pricing", "cost-metric", "state"),
    "UsageRole": ("cost-metric", "state"),
}

# The functions that may assume the member-account roles when the template's TargetRoleArns
# lists any (the poll, /genai-stats and the usage roll-ups read every target).
TARGET_READERS: tuple[str, ...] = ("SlackRole", "PollerRole", "UsageRole")

# What the reader role of a member (target) account grants: the reads a poll and /genai-stats
# make there. Read-only: no model calls, no metric writes, no state.
MEMBER_ROLE: tuple[str, ...] = ("alerts", "find-logs", "pricing", "quotas", "cost")
# Member-role features a parameter of infra/member-role.yaml can leave out.
MEMBER_OPTIONAL: dict[str, str] = {
    "quotas": "AllowServiceQuotas",  # "false": no Service Quotas reads
    "cost": "InvocationLogGroupName",  # empty: no logs permission
}


def policy_json(feature: str) -> str:
    """The feature's policy as the JSON docs/aws.md shows."""
    return json.dumps(FEATURES[feature].policy(), indent=2)
