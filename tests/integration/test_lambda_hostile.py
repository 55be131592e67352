"""Hostile and broken requests against the Lambda Slack handler: replays inside the signature
window, unsigned or malformed bodies, and a client posing as Bolt's lazy re-invocation."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import time
from typing import Any

import pytest

from bot.entrypoints import lambda_handlers
from tests.integration.test_lambda_handlers import MODEL, lambda_env  # noqa: F401 (fixture)
from tests.support.fake_bedrock import FakeBedrock, Reply
from tests.support.fake_lambda import LambdaContext, fake_lambda, http_api_event
from tests.support.fake_slack import FakeSlack
from tests.support.signing import (
    FORM,
    JSON,
    SIGNING_SECRET,
    block_action,
    command_body,
    interactive_body,
)


def raw_event(body: bytes, content_type: str, *, signed: bool = True) -> dict[str, Any]:
    """An HTTP API event whose body is any bytes (not only UTF-8 text)."""
    event = http_api_event("", content_type, signed=signed)
    moment = str(int(time.time()))
    base = b"v0:" + moment.encode() + b":" + body
    event["headers"]["x-slack-request-timestamp"] = moment
    if signed:
        digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
        event["headers"]["x-slack-signature"] = "v0=" + digest
    event["body"] = base64.b64encode(body).decode()
    return event


def test_a_replayed_ask_is_answered_once(
    lambda_env: FakeSlack,  # noqa: F811
    bedrock: FakeBedrock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GENAI_OPS_ASK_DEFAULT_MODEL", MODEL)
    bedrock.reply(MODEL, Reply(text="Once."))
    event = http_api_event(command_body("/genai-ask", "how to retry throttles?"), FORM)
    with fake_lambda(lambda_handlers.slack_handler) as aws_lambda:
        monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", aws_lambda.url)
        first = lambda_handlers.slack_handler(copy.deepcopy(event), LambdaContext())
        (invocation,) = aws_lambda.wait(1)
        replays = [
            lambda_handlers.slack_handler(copy.deepcopy(event), LambdaContext()) for _ in range(2)
        ]
        posing = copy.deepcopy(event)  # a client claiming to be Bolt's lazy re-invocation
        posing["headers"]["x-slack-bolt-lazy-only"] = "1"
        posing["headers"]["x-slack-bolt-lazy-function-name"] = "answer"
        replays.append(lambda_handlers.slack_handler(posing, LambdaContext()))

    assert first["statusCode"] == 200 and invocation.error is None
    assert [r["statusCode"] for r in replays] == [401, 401, 401]
    assert len(aws_lambda.invocations) == 1 and len(bedrock.calls) == 1
    assert len(lambda_env.of("chat.postMessage")) == 1


BROKEN = [
    (b'{"type": "block_actions", "user": false, "actions": [{}]}', JSON),
    (b'{"type": "event_callback", "event_id": "Ev1", "event": null}', JSON),
    (b"{not json", JSON),
    (b'{"type": "event_callback", "event": {"type": "\xff\xfe"}}', JSON),
    (interactive_body(block_action("alert_ack") | {"actions": []}).encode(), FORM),
    (b"payload=%7Bnot+json", FORM),
]


@pytest.mark.parametrize(("body", "kind"), BROKEN, ids=range(len(BROKEN)))
def test_broken_bodies_get_401_unsigned_and_400_signed(
    lambda_env: FakeSlack,  # noqa: F811
    body: bytes,
    kind: str,
) -> None:
    unsigned = lambda_handlers.slack_handler(raw_event(body, kind, signed=False), LambdaContext())
    signed = lambda_handlers.slack_handler(raw_event(body, kind), LambdaContext())
    assert (unsigned["statusCode"], signed["statusCode"]) == (401, 400)
    assert [c.method for c in lambda_env.calls if c.method != "auth.test"] == []


@pytest.mark.parametrize("timestamp", ["abc", "", "1.5", "-300", "9" * 40])
def test_a_timestamp_that_is_not_a_number_gets_401(
    lambda_env: FakeSlack,  # noqa: F811
    timestamp: str,
) -> None:
    event = http_api_event(command_body("/genai-help"), FORM)
    event["headers"]["x-slack-request-timestamp"] = timestamp
    assert lambda_handlers.slack_handler(event, LambdaContext())["statusCode"] == 401


def test_events_that_are_not_http_requests_get_400(lambda_env: FakeSlack) -> None:  # noqa: F811
    for event in ({"requestContext": {"http": {"method": "POST"}}, "headers": "x"}, {"body": 1}):
        assert lambda_handlers.slack_handler(event, LambdaContext())["statusCode"] in (400, 401)
    good = json.loads(json.dumps(http_api_event(command_body("/genai-help"), FORM)))
    assert lambda_handlers.slack_handler(good, LambdaContext())["statusCode"] == 200
