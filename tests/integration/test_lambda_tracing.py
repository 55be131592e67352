"""X-Ray on Lambda: each AWS call (Bedrock, CloudWatch, DynamoDB...) and each Slack Web API
call is a subsegment, sent to the X-Ray daemon (here a UDP socket standing in for it).

The handlers run in a child process, as in a Lambda container: patching is process-wide.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.test_lambda_handlers import END, MODEL, TOKEN, lambda_env  # noqa: F401
from tests.support.bedrock import seed_spike
from tests.support.fake_bedrock import FakeBedrock, Reply
from tests.support.fake_lambda import http_api_event
from tests.support.signing import FORM, command_body

TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
CHILD = """
import json, sys
from bot.entrypoints import lambda_handlers
from tests.support.fake_lambda import LambdaContext
poll_event, ask_event = json.load(sys.stdin)
print(json.dumps(lambda_handlers.poll_handler(poll_event, LambdaContext("genai-ops"))))
print(json.dumps(lambda_handlers.slack_handler(ask_event, LambdaContext())["statusCode"]))
"""


@pytest.fixture
def daemon() -> Iterator[socket.socket]:
    """A UDP socket where the X-Ray SDK sends its segments."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(2)
        yield sock


def received(sock: socket.socket) -> list[dict[str, Any]]:
    documents = []
    while True:
        try:
            data, _ = sock.recvfrom(65_535)
        except TimeoutError:
            return documents
        header, body = data.decode().split("\n", 1)
        assert json.loads(header) == {"format": "json", "version": 1}
        documents.append(json.loads(body))


@pytest.mark.usefixtures("lambda_env")
def test_poll_and_ask_show_where_their_time_went(
    daemon: socket.socket, bedrock: FakeBedrock, cloudwatch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_spike(cloudwatch, END, hours=4)
    bedrock.reply(MODEL, Reply(text="Back off and retry."))
    ask = http_api_event(command_body("/genai-ask", "why throttled?"), FORM)
    # The second invocation Bolt makes for the lazy listener (see LambdaLazyListenerRunner).
    ask["headers"] |= {"x-slack-bolt-lazy-only": "1", "x-slack-bolt-lazy-function-name": "answer"}
    ask["method"] = "NONE"
    env = {
        **os.environ,
        "GENAI_OPS_ASK_DEFAULT_MODEL": MODEL,
        "AWS_LAMBDA_FUNCTION_NAME": "genai-ops",
        "LAMBDA_TASK_ROOT": os.getcwd(),
        "_X_AMZN_TRACE_ID": TRACE,
        "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{daemon.getsockname()[1]}",
    }
    child = subprocess.run(
        [sys.executable, "-c", CHILD],
        input=json.dumps([{"time": "2026-11-20T15:00:30Z"}, ask]),
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    poll, status = (json.loads(line) for line in child.stdout.splitlines()[-2:])
    assert poll["notices"] == 1 and status == 200

    segments = received(daemon)
    assert {s["trace_id"] for s in segments} == {"1-5759e988-bd862e3fe1be46a994272793"}
    names = {s["name"] for s in segments}
    assert {"poll.cycle", "slack.request"} <= names
    aws_calls = {(s["name"], s["aws"]["operation"]) for s in segments if "aws" in s}
    assert ("monitoring", "GetMetricData") in aws_calls  # CloudWatch
    assert ("bedrock-runtime", "Converse") in aws_calls
    assert ("secretsmanager", "GetSecretValue") in aws_calls
    assert {("dynamodb", "GetItem"), ("dynamodb", "PutItem")} <= aws_calls
    slack_urls = [s["http"]["request"]["url"] for s in segments if "request" in s.get("http", {})]
    assert any(url.endswith("/chat.postMessage") for url in slack_urls), slack_urls
    text = json.dumps(segments)
    assert TOKEN not in text and "why throttled" not in text and "Back off" not in text
