"""The Lambda entrypoints as AWS runs them: state in DynamoDB, tokens from Secrets Manager,
a Scheduler event for the poller, signed HTTP API events for Slack, lazy self-invocation."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from alarms.names import short_model
from bot.app.poll.report import period_floor
from bot.entrypoints import lambda_handlers
from bot.entrypoints.aws_lambda.config import LambdaConfigError, lambda_settings
from tests.support.bedrock import SPIKY, seed_spike
from tests.support.fake_bedrock import FakeBedrock, Reply
from tests.support.fake_lambda import LambdaContext, fake_lambda, http_api_event
from tests.support.fake_slack import FakeSlack, serve_fake_slack
from tests.support.signing import FORM, SIGNING_SECRET, command_body
from tests.support.stores import store_url

END = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
TOKEN = "xoxb-from-secrets-manager"
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


@pytest.fixture
def lambda_env(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    """A fresh container: DynamoDB state, the Slack secret, env as the template sets it."""
    secret = boto3.client("secretsmanager").create_secret(
        Name="genai-ops/slack",
        SecretString=json.dumps({"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}),
    )
    monkeypatch.setattr(lambda_handlers, "_warm", {})
    for fake in serve_fake_slack():
        for name, value in {
            "GENAI_OPS_STATE_URL": store_url("dynamodb", tmp_path, aws),
            "GENAI_OPS_SLACK_SECRET_ARN": secret["ARN"],
            "GENAI_OPS_ALERT_CHANNEL": "C0ALERTS",
            "GENAI_OPS_SLACK_API_URL": fake.url,
            "GENAI_OPS_LATENCY_STATISTIC": "Average",
            "GENAI_OPS_LOOKBACK_HOURS": "4",
            "AWS_LAMBDA_FUNCTION_NAME": "genai-ops-poller",
        }.items():
            monkeypatch.setenv(name, value)
        yield fake


def scheduler_event(at: datetime) -> dict[str, Any]:
    """What the template's schedule target sends (its Input, times filled in by Scheduler)."""
    return {"source": "genai-ops.schedule", "time": at.strftime("%Y-%m-%dT%H:%M:%SZ")}


def test_scheduled_poll_alerts_once_even_when_retried(
    lambda_env: FakeSlack, cloudwatch: Any
) -> None:
    seed_spike(cloudwatch, END, hours=4)
    event = scheduler_event(END + timedelta(seconds=30))

    first = lambda_handlers.poll_handler(event, LambdaContext("genai-ops-poller"))
    retried = lambda_handlers.poll_handler(event, LambdaContext("genai-ops-poller"))

    assert first["notices"] == 1 and first["failures"] == [], first
    assert first["at"] == "2026-11-20T15:00:30+00:00"
    assert retried["notices"] == 0
    posts = lambda_env.of("chat.postMessage")
    assert len(posts) == 1 and short_model(SPIKY.model_id) in posts[0].args["text"]
    assert posts[0].headers["Authorization"] == f"Bearer {TOKEN}"
    table = boto3.client("dynamodb").scan(TableName="genai-ops-test-state")["Items"]
    assert [item["kind"]["S"] for item in table].count("alert") == 1


def test_a_cold_container_picks_up_the_stored_state(lambda_env: FakeSlack, cloudwatch: Any) -> None:
    seed_spike(cloudwatch, END, hours=4)
    lambda_handlers.poll_handler(scheduler_event(END), LambdaContext())
    lambda_handlers._warm.clear()  # a new container: nothing in memory
    again = lambda_handlers.poll_handler(scheduler_event(END + timedelta(minutes=5)), None)
    assert again["notices"] == 0
    assert len(lambda_env.of("chat.postMessage")) == 1


def test_signed_slack_request_is_answered(lambda_env: FakeSlack) -> None:
    event = http_api_event(command_body("/genai-help"), FORM)
    response = lambda_handlers.slack_handler(event, LambdaContext())
    assert response["statusCode"] == 200
    assert "/genai-stats" in json.loads(response["body"])["text"]


@pytest.mark.parametrize(
    "event",
    [
        http_api_event(command_body("/genai-help"), FORM, secret="wrong-secret"),
        http_api_event(command_body("/genai-help"), FORM, signed=False),
        http_api_event(command_body("/genai-help"), FORM, timestamp=1_600_000_000),
    ],
    ids=["wrong secret", "unsigned", "stale"],
)
def test_unverified_slack_requests_get_401(lambda_env: FakeSlack, event: dict[str, Any]) -> None:
    response = lambda_handlers.slack_handler(event, LambdaContext())
    assert response["statusCode"] == 401
    assert [c.method for c in lambda_env.calls if c.method != "auth.test"] == []


def test_ask_acks_then_answers_in_a_lazy_self_invocation(
    lambda_env: FakeSlack, bedrock: FakeBedrock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENAI_OPS_ASK_DEFAULT_MODEL", MODEL)
    bedrock.reply(MODEL, Reply(text="Use exponential backoff with jitter."))
    with fake_lambda(lambda_handlers.slack_handler) as aws_lambda:
        monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", aws_lambda.url)
        ack = lambda_handlers.slack_handler(
            http_api_event(command_body("/genai-ask", "how to retry throttles?"), FORM),
            LambdaContext(),
        )
        (invocation,) = aws_lambda.wait(1)

    assert ack["statusCode"] == 200 and "Asking" in ack["body"]
    assert invocation.invocation_type == "Event"
    assert invocation.function.endswith(":function:genai-ops-slack")  # itself
    assert invocation.payload["headers"]["x-slack-bolt-lazy-only"] == "1"
    assert invocation.error is None and invocation.result["statusCode"] == 200
    (call,) = bedrock.calls
    assert call.model_id == MODEL and call.body["requestMetadata"]["source"] == "slack"
    (post,) = lambda_env.of("chat.postMessage")
    assert "Use exponential backoff with jitter." in json.dumps(post.args)


@pytest.mark.parametrize(
    ("secret", "problem"),
    [
        ("not json", "must be JSON"),
        (json.dumps({"SLACK_SIGNING_SECRET": "s"}), "no SLACK_BOT_TOKEN"),
    ],
)
def test_bad_secret_is_explained(
    aws: str, monkeypatch: pytest.MonkeyPatch, secret: str, problem: str
) -> None:
    arn = boto3.client("secretsmanager").create_secret(Name="bad", SecretString=secret)["ARN"]
    monkeypatch.setenv("GENAI_OPS_SLACK_SECRET_ARN", arn)
    with pytest.raises(LambdaConfigError, match=problem) as caught:
        lambda_settings()
    assert 'SLACK_SIGNING_SECRET": "s' not in str(caught.value)


def test_missing_secret_is_explained(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:genai-ops/none-AbCdEf"
    monkeypatch.setenv("GENAI_OPS_SLACK_SECRET_ARN", arn)
    with pytest.raises(LambdaConfigError, match="ResourceNotFoundException"):
        lambda_settings()


def test_settings_take_the_tokens_from_the_secret(lambda_env: FakeSlack) -> None:
    settings = lambda_settings()
    assert settings.secret("slack_bot_token") == TOKEN
    assert settings.secret("slack_signing_secret") == SIGNING_SECRET
    assert TOKEN not in repr(settings)


def test_stats_answer_on_lambda_without_matplotlib(
    lambda_env: FakeSlack, cloudwatch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Lambda package has no matplotlib: /genai-stats answers with its table alone."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    answers = lambda_env.url.replace("/api/", "/response/1")
    seed_spike(cloudwatch, period_floor(datetime.now(UTC), 300), hours=2)
    with fake_lambda(lambda_handlers.slack_handler) as aws_lambda:
        monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", aws_lambda.url)
        ack = lambda_handlers.slack_handler(
            http_api_event(command_body("/genai-stats", "24h", response_url=answers), FORM),
            LambdaContext(),
        )
        (invocation,) = aws_lambda.wait(1)

    assert ack["statusCode"] == 200 and invocation.error is None
    [reply] = [c.args for c in lambda_env.calls if c.method.startswith("/response/")]
    shown = json.dumps(reply["blocks"])
    assert "claude-3-5-sonnet" in shown and "invocations" in shown.lower()
    assert not [b for b in reply["blocks"] if b["type"] == "image"]
    assert not [c for c in lambda_env.calls if "upload" in c.method.lower()]
