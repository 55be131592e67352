"""`genai-ops serve` as Slack sees it: signed requests over HTTP to the real server."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.test_cli import genai_ops
from tests.support.bot_server import BotServer, eventually, running_bot
from tests.support.fake_slack import Failure, FakeSlack
from tests.support.signing import FORM, SIGNING_SECRET, command_body, reaction_event


def web_calls(slack: FakeSlack) -> list[str]:
    """Slack Web API methods called, in order, apart from Bolt's start-up ``auth.test``."""
    return [call.method for call in slack.calls if call.method != "auth.test"]


def test_help_is_answered_in_the_ack_and_lists_every_command(bot_server: BotServer) -> None:
    reply = bot_server.command("/genai-help")

    assert reply.status == 200
    text = reply.json()["text"]
    for command in ("/genai-stats", "/genai-alerts", "/genai-ask", "/genai-help"):
        assert f"`{command}" in text
    assert "response_type" not in reply.json() or reply.json()["response_type"] == "ephemeral"
    assert web_calls(bot_server.slack) == []


@pytest.mark.parametrize(
    ("case", "secret", "age_seconds", "signed"),
    [
        ("wrong secret", "not-the-secret", 0, True),
        ("stale timestamp", SIGNING_SECRET, 6 * 60, True),
        ("future timestamp", SIGNING_SECRET, -6 * 60, True),
        ("no signature", SIGNING_SECRET, 0, False),
    ],
)
def test_unverified_requests_get_401_and_do_nothing(
    bot_server: BotServer, case: str, secret: str, age_seconds: int, signed: bool
) -> None:
    body = command_body("/genai-help", "private words", response_url=bot_server.response_url)
    reply = bot_server.post(
        body, FORM, secret=secret, timestamp=int(time.time()) - age_seconds, sign=signed
    )

    assert reply.status == 401, case
    assert "private words" not in reply.body
    assert web_calls(bot_server.slack) == []
    assert "private words" not in bot_server.logs()


def test_a_retried_event_is_handled_once(bot_server: BotServer) -> None:
    event = reaction_event("+1")
    first = bot_server.event(event, event_id="EvDUP1")
    retry = bot_server.event(event, event_id="EvDUP1", retry=1)
    other = bot_server.event(event, event_id="EvOTHER")

    # Reactions get their listener from the feedback feature; until then Bolt answers 404.
    assert first.status != 401 and other.status == first.status
    assert retry.status == 200 and retry.body == ""
    logs = eventually(lambda: "duplicate event ignored" in bot_server.logs() and bot_server.logs())
    assert logs.count("duplicate event ignored") == 1
    assert '"event_id": "EvDUP1"' in logs and '"retry": "1"' in logs


def test_health_probe_and_unknown_paths(bot_server: BotServer) -> None:
    base = bot_server.url.removesuffix("/slack/events")
    with urllib.request.urlopen(f"{base}/healthz", timeout=10) as answer:
        assert answer.status == 200
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{base}/elsewhere", timeout=10)
    assert missing.value.code == 404


def test_serve_refuses_a_bad_bot_token(
    slack: FakeSlack, aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    slack.fail("auth.test", Failure(error="invalid_auth"))

    result = genai_ops("serve", "--port", "0", "--host", "127.0.0.1", "--no-poll")

    assert result.returncode == 1
    assert "Slack rejected the bot token: invalid_auth" in result.stderr
    assert "xoxb-test-token" not in result.stderr


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        (("serve", "--port", "0", "--no-poll"), "SLACK_SIGNING_SECRET is not set"),
        (("run", "--no-poll"), "SLACK_APP_TOKEN is not set"),
    ],
)
def test_modes_name_the_missing_secret(
    slack: FakeSlack, args: tuple[str, ...], missing: str
) -> None:
    result = genai_ops(*args)
    assert result.returncode == 1
    assert missing in result.stderr


def test_serve_with_polling_runs_a_cycle_in_process(
    slack: FakeSlack, aws: str, tmp_path: Path
) -> None:
    with running_bot(tmp_path, slack) as server:
        assert eventually(lambda: "poll cycle done" in server.logs())
        assert server.command("/genai-help").status == 200
