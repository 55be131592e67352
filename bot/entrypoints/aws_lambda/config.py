"""Settings on Lambda: the environment (set by the SAM template) plus the Slack secret.

The Slack tokens never sit in environment variables: the template passes the secret's ARN
(``GENAI_OPS_SLACK_SECRET_ARN``) and the function reads the secret once per cold start.
"""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.aws.errors import AWS_FAILURES, explain
from bot.config.load import load_settings
from bot.config.settings import Settings

# Keys accepted in the secret's JSON, and the setting each one fills.
SECRET_KEYS = {
    "SLACK_BOT_TOKEN": "slack_bot_token",
    "SLACK_SIGNING_SECRET": "slack_signing_secret",
    "slack_bot_token": "slack_bot_token",
    "slack_signing_secret": "slack_signing_secret",
}


class LambdaConfigError(Exception):
    """The function's configuration is unusable; the message says how to fix it."""


def lambda_settings(secrets_client: Any = None) -> Settings:
    """Settings from the environment, with the Slack tokens read from Secrets Manager."""
    settings = load_settings(None)
    if not settings.slack.secret_arn:
        return settings
    return load_settings(None, **slack_secret(settings.slack.secret_arn, secrets_client))


def slack_secret(arn: str, client: Any = None) -> dict[str, str]:
    """The Slack settings held in the secret at ``arn`` (values never logged)."""
    if client is None:
        import boto3

        client = boto3.client("secretsmanager")
    try:
        text = client.get_secret_value(SecretId=arn).get("SecretString") or ""
    except AWS_FAILURES as exc:
        raise LambdaConfigError(str(explain(f"read Slack secret {arn}", exc))) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise LambdaConfigError(
            f"Slack secret {arn} must be JSON like "
            '{"SLACK_BOT_TOKEN": "xoxb-...", "SLACK_SIGNING_SECRET": "..."}'
        )
    found = {SECRET_KEYS[k]: str(v) for k, v in data.items() if k in SECRET_KEYS and v}
    if "slack_bot_token" not in found:
        raise LambdaConfigError(f"Slack secret {arn} has no SLACK_BOT_TOKEN")
    return found
