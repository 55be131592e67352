"""Shared fixtures: moto server on loopback, the fake Slack Web API, a clean environment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from bot.entrypoints.demo.embedded_aws import embedded_aws
from tests.support.bot_server import BotServer, running_bot
from tests.support.fake_bedrock import FakeBedrock, serve_fake_bedrock
from tests.support.fake_slack import FakeSlack, serve_fake_slack
from tests.support.signing import SIGNING_SECRET


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's real settings, AWS profile or Slack tokens."""
    for name in list(os.environ):
        if name.startswith(("GENAI_OPS_", "SLACK_", "AWS_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("GENAI_OPS_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no credential probes off-box


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """One moto server for the session; tests isolate by using their own names/regions."""
    with embedded_aws(set_environment=False) as endpoint:
        yield endpoint


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point boto3 (in this process and subprocesses) at the moto server, with data reset."""
    import urllib.request

    urllib.request.urlopen(
        urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    ).read()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": moto_endpoint,
    }.items():
        monkeypatch.setenv(name, value)
    return moto_endpoint


@pytest.fixture
def cloudwatch(aws: str) -> Any:
    return boto3.client("cloudwatch", endpoint_url=aws, region_name="us-east-1")


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    """The fake Slack Web API, with the bot's settings pointing at it."""
    for fake in serve_fake_slack():
        monkeypatch.setenv("GENAI_OPS_SLACK_API_URL", fake.url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
        monkeypatch.setenv("GENAI_OPS_ALERT_CHANNEL", "C0ALERTS")
        yield fake


# --- Slack app ----------------------------------------------------------------


@pytest.fixture
def bot_server(
    slack: FakeSlack, aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[BotServer]:
    """The real ``genai-ops serve --no-poll`` on 127.0.0.1 (free port), pointed at the fake
    Slack and moto; send it signed requests with ``bot_server.command(...)``, ``.event(...)``,
    ``.action(...)``. For other arguments use ``running_bot`` directly."""
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("GENAI_OPS_LATENCY_STATISTIC", "Average")  # moto has no percentiles
    with running_bot(tmp_path, slack, "--no-poll") as server:
        yield server


# --- /genai-ask ---------------------------------------------------------------


@pytest.fixture
def bedrock(aws: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBedrock]:
    """The fake bedrock-runtime Converse API; boto3 reaches it through its endpoint env var."""
    for fake in serve_fake_bedrock():
        monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", fake.url)
        yield fake


SLOW_FIXTURES = {"bot_server", "aws", "moto_endpoint"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that start a server or a subprocess, or talk to moto, are ``slow``:
    ``pytest -m "not slow"`` is the quick loop while editing the pure core."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & SLOW_FIXTURES or "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.slow)
