"""The first ten minutes: what a new user sees when region, credentials, a permission or the
Slack token is missing, and when AWS hangs. One clear line each, and a non-zero exit."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from tests.e2e.test_cli import genai_ops
from tests.support.fake_slack import Failure, FakeSlack
from tests.support.loopback import loopback_server

pytestmark = pytest.mark.slow


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("genai-ops check-config:")]


def test_no_region_is_one_line_naming_the_variable() -> None:
    result = genai_ops("check-config")
    assert result.returncode == 1
    assert problem_lines(result.stderr) == [
        "genai-ops check-config: AWS region: no AWS region configured: set AWS_REGION (or "
        "AWS_DEFAULT_REGION, or region in your AWS profile), e.g. export AWS_REGION=us-east-1"
    ]
    assert "Traceback" not in result.stderr
    assert "[off] AWS region" in result.stdout


def test_aws_region_alone_is_honoured_and_missing_credentials_are_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")  # boto3 itself reads only AWS_DEFAULT_REGION
    result = genai_ops("check-config")
    assert result.returncode == 1
    assert "[ok ] AWS region: eu-west-1" in result.stdout
    (line,) = problem_lines(result.stderr)
    assert "AWS credentials: no AWS credentials found: set AWS_PROFILE" in line
    poll = genai_ops("poll", "--once")
    assert poll.returncode == 1 and "Traceback" not in poll.stderr
    assert "genai-ops poll: metrics: cloudwatch:ListMetrics" in poll.stderr
    assert "no AWS credentials found" in poll.stderr


@contextmanager
def denying(upstream: str, target: str) -> Iterator[str]:
    """A loopback proxy to moto that refuses one JSON-protocol action (``X-Amz-Target``) with
    AccessDeniedException, as IAM does; everything else reaches moto unchanged."""

    class Proxy(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("X-Amz-Target", "").endswith(target):
                answer = json.dumps(
                    {
                        "__type": "AccessDeniedException",
                        "message": f"User is not authorized to perform: logs:{target}",
                    }
                ).encode()
                self.send_response(400)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
                return
            request = urllib.request.Request(
                upstream + self.path,
                data=body or None,
                method=self.command,
                headers={k: v for k, v in self.headers.items() if k.lower() != "host"},
            )
            try:
                with urllib.request.urlopen(request) as reply:
                    status, headers, data = reply.status, reply.headers, reply.read()
            except urllib.error.HTTPError as exc:
                status, headers, data = exc.code, exc.headers, exc.read()
            self.send_response(status)
            for key, value in headers.items():
                if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _forward

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with loopback_server(Proxy) as url:
        yield url


def test_a_missing_permission_is_named(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    boto3.client("logs").create_log_group(logGroupName="/bedrock/invocations")
    monkeypatch.setenv("GENAI_OPS_INVOCATION_LOG_GROUP", "/bedrock/invocations")
    monkeypatch.setenv("GENAI_OPS_LATENCY_STATISTIC", "Average")
    with denying(aws, "FilterLogEvents") as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy)
        result = genai_ops("check-config")
    assert result.returncode == 1, result.stdout
    assert "[ok ] cloudwatch:GetMetricData" in result.stdout
    assert "[ok ] AWS credentials: arn:aws:sts::" in result.stdout
    assert problem_lines(result.stderr) == [
        "genai-ops check-config: logs:FilterLogEvents: not allowed: grant logs:FilterLogEvents "
        "(on /bedrock/invocations: budgets and spend read the invocation logs; docs/aws.md)"
    ]


def test_everything_in_place_exits_0(
    aws: str, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    slack.canned["conversations.info"] = {"channel": {"id": "C0ALERTS", "is_member": True}}
    result = genai_ops("check-config")
    assert result.returncode == 0, result.stderr
    assert "[ok ] Slack bot token: genai-ops in Test" in result.stdout
    assert "[ok ] alert channel C0ALERTS: the bot is a member" in result.stdout


def test_invalid_slack_token_and_absent_bot_are_named(
    aws: str, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    slack.fail("auth.test", Failure(error="invalid_auth"))
    bad = genai_ops("check-config")
    assert bad.returncode == 1
    (line,) = problem_lines(bad.stderr)
    assert line.startswith("genai-ops check-config: Slack bot token: Slack refused SLACK_BOT_TOKEN")
    assert "(invalid_auth): copy the Bot User OAuth Token" in line
    assert "xoxb-test-token" not in bad.stdout + bad.stderr

    slack.canned["conversations.info"] = {"channel": {"id": "C0ALERTS", "is_member": False}}
    outside = genai_ops("check-config")
    assert outside.returncode == 1
    assert problem_lines(outside.stderr) == [
        "genai-ops check-config: alert channel C0ALERTS: the bot is not a member; invite the "
        "bot: type /invite @<bot name> in C0ALERTS"
    ]


@contextmanager
def hung_endpoint() -> Iterator[str]:
    """A TCP server that accepts every connection and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        server.close()


def test_poll_gives_up_on_a_hung_endpoint_within_30_seconds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with hung_endpoint() as url:
        for name, value in {
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_ENDPOINT_URL": url,
        }.items():
            monkeypatch.setenv(name, value)
        started = time.monotonic()
        result = genai_ops("poll", "--once", timeout=60)
        took = time.monotonic() - started
    assert took < 30, f"took {took:.0f} s"
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        f"genai-ops poll: metrics: cloudwatch:ListMetrics AWS/Bedrock/Invocations: no answer "
        f"from {url}/ in time; check AWS_ENDPOINT_URL" in result.stderr
    )


def test_a_closed_pipe_ends_quietly() -> None:
    """`genai-ops check-config | head -1`: the reader leaves after one line."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    exe = shutil.which("genai-ops", path=str(Path(sys.executable).parent)) or "genai-ops"
    with subprocess.Popen(
        [exe, "check-config"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()  # the rest of the report is written to a closed pipe
        errors = process.stderr.read()
        code = process.wait(timeout=60)
    assert first == "Settings are valid.\n"
    assert "BrokenPipeError" not in errors and "Traceback" not in errors
    assert code in (0, 1)


def test_small_frictions_get_one_clear_line(tmp_path: Any) -> None:
    serve = genai_ops("serve", "--port", "0")
    assert serve.returncode == 1
    assert serve.stderr.strip() == (
        "genai-ops serve: SLACK_BOT_TOKEN is not set; SLACK_SIGNING_SECRET is not set "
        "(see docs/slack-app.md)"
    )
    missing = tmp_path / "p90-last-week.csv"
    backtest = genai_ops("backtest", "--rule", "latency_spike", "--csv", str(missing))
    assert backtest.returncode == 2
    assert f"{missing}: No such file or directory" in backtest.stderr
    role = genai_ops("setup-logging", "--log-group", "/bedrock", "--role-arn", "notanarn")
    assert role.returncode == 2
    assert "--role-arn 'notanarn' is not an IAM role ARN" in role.stderr
    percent = genai_ops("check-config", "--offline", "--config", str(_rules(tmp_path)))
    assert percent.returncode == 2
    assert "write 0.05 for 5%" in percent.stderr


def _rules(tmp_path: Any) -> Any:
    path = tmp_path / "bot.toml"
    path.write_text('[[rules]]\nkind = "error_rate"\nmax_rate = 5\n')
    return path


@pytest.mark.parametrize(
    "command",
    [
        ("poll", "--once"),
        ("spend",),
        ("setup-logging", "--log-group", "/bedrock", "--role-arn", "ROLE"),
        ("create-table",),
    ],
)
def test_every_command_without_a_region_is_one_line(
    command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENAI_OPS_STATE_URL", "dynamodb://genai-ops-state")
    role = "arn:aws:iam::123456789012:role/BedrockLogging"
    result = genai_ops(*(role if part == "ROLE" else part for part in command))
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("genai-ops ")]
    assert len(lines) >= 1 and "Traceback" not in result.stderr
    assert all("no AWS region configured: set AWS_REGION" in line for line in lines), lines


def test_spend_with_nothing_readable_fails_without_claiming_logging_is_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("AWS_REGION", "us-east-1")  # a region, but no credentials anywhere
    monkeypatch.setenv("GENAI_OPS_STATE_URL", f"sqlite:///{tmp_path}/state.db")
    result = genai_ops("spend")
    assert result.returncode == 1, result.stdout
    assert "genai-ops spend: nothing could be read (no AWS credentials" in result.stderr
    assert "logging is off" not in result.stdout  # it could not be asked
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("hours", ["0", "-5"])
def test_spend_refuses_a_window_that_is_not_positive(hours: str) -> None:
    result = genai_ops("spend", "--hours", hours)
    assert result.returncode == 2
    assert f"--hours must be a positive number ({hours})" in result.stderr
