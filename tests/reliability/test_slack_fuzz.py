"""Garbage from Slack's side, or from anyone: any command text, payload or header gets an
answer, never a 5xx; unsigned or badly signed requests get 401, malformed signed ones 400."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.bot_server import BotServer, running_bot
from tests.support.fake_bedrock import serve_fake_bedrock
from tests.support.fake_slack import serve_fake_slack
from tests.support.signing import FORM, JSON, command_body, interactive_body

COMMANDS = ["/genai-ask", "/genai-stats", "/genai-alerts", "/genai-help"]
TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from(
            [
                "1h",
                "24h",
                "7d",
                "30d",
                "public",
                "help",
                "compare",
                "a,b",
                "sonnet",
                "amazon.nova-lite-v1:0",
                "&lt;script&gt;",
                "-1",
                "999d",
            ]
        ),
        max_size=5,
    ).map(" ".join),
)
LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=15))
JSONISH = st.recursive(
    LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def bot(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotServer]:
    workdir: Path = tmp_path_factory.mktemp("fuzz")
    for slack in serve_fake_slack():
        for bedrock in serve_fake_bedrock():
            env = {
                name: value
                for name, value in os.environ.items()
                if not name.startswith(("GENAI_OPS_", "SLACK_", "AWS_"))
            }
            env.update(
                {
                    "SLACK_BOT_TOKEN": "xoxb-fuzz",
                    "GENAI_OPS_SLACK_API_URL": slack.url,
                    "GENAI_OPS_ALERT_CHANNEL": "C0ALERTS",
                    "GENAI_OPS_STATE_URL": f"sqlite:///{workdir / 'state.db'}",
                    "GENAI_OPS_ASK_DEFAULT_MODEL": "amazon.nova-lite-v1:0",
                    "AWS_ENDPOINT_URL": moto_endpoint,
                    "AWS_ACCESS_KEY_ID": "testing",
                    "AWS_SECRET_ACCESS_KEY": "testing",
                    "AWS_REGION": "us-east-1",
                    "AWS_DEFAULT_REGION": "us-east-1",
                    "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": bedrock.url,
                }
            )
            saved = dict(os.environ)
            os.environ.clear()
            os.environ.update(env)
            try:
                with running_bot(workdir, slack, "--no-poll") as server:
                    yield server
            finally:
                os.environ.clear()
                os.environ.update(saved)
            logs = server.logs()
            assert "Traceback" not in logs and "xoxb-fuzz" not in logs


@FUZZ
@given(command=st.sampled_from(COMMANDS), text=TEXT)
def test_any_command_text_gets_an_answer(bot: BotServer, command: str, text: str) -> None:
    reply = bot.command(command, text, user_id="U0FUZZ")
    assert reply.status < 500, (command, text, reply.body[:200])


@FUZZ
@given(
    event=st.dictionaries(
        st.sampled_from(["type", "user", "item", "reaction", "channel"]), JSONISH, max_size=5
    ),
    event_id=st.text(alphabet="AbEv0123456789", min_size=1, max_size=12),
)
def test_any_event_gets_an_answer(bot: BotServer, event: dict[str, object], event_id: str) -> None:
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event_id": event_id,
            "event": event,
        }
    )
    assert bot.post(body, JSON).status < 500


@FUZZ
@given(
    payload=st.dictionaries(
        st.sampled_from(["type", "user", "actions", "container", "channel", "message", "team"]),
        JSONISH,
        max_size=6,
    )
)
def test_any_interactive_payload_gets_an_answer(bot: BotServer, payload: dict[str, object]) -> None:
    assert bot.post(interactive_body(payload), FORM).status < 500


HEADER_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
    max_size=40,
)


@FUZZ
@given(
    timestamp=st.one_of(HEADER_TEXT, st.integers().map(str)),
    signature=st.one_of(HEADER_TEXT, st.just("v0=").map(lambda p: p + "0" * 64)),
    content_type=st.sampled_from([FORM, JSON, "text/plain", "", "application/json; charset=x"]),
)
def test_any_malformed_headers_get_401(
    bot: BotServer, timestamp: str, signature: str, content_type: str
) -> None:
    headers = {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}
    reply = bot.post(command_body("/genai-help"), content_type, sign=False, headers=headers)
    assert reply.status == 401, (timestamp, signature, reply.status)


@FUZZ
@given(
    kind=st.sampled_from(["block_actions", "event_callback", "view_submission", "shortcut"]),
    actions=JSONISH,
    event=JSONISH,
    user=JSONISH,
    extra=st.dictionaries(st.sampled_from(["team", "channel", "container", "event_id"]), JSONISH),
)
def test_any_signed_payload_shape_gets_a_4xx_or_an_answer(
    bot: BotServer,
    kind: str,
    actions: object,
    event: object,
    user: object,
    extra: dict[str, object],
) -> None:
    payload = {"type": kind, "actions": actions, "event": event, "user": user, **extra}
    for body, content_type in ((interactive_body(payload), FORM), (json.dumps(payload), JSON)):
        assert bot.post(body, content_type).status < 500, payload


@FUZZ
@given(depth=st.integers(min_value=1, max_value=200_000), opener=st.sampled_from(["[", '{"a":']))
def test_deeply_nested_signed_bodies_get_400(bot: BotServer, depth: int, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    body = '{"type": "event_callback", "event": ' + opener * depth + "1" + closer * depth + "}"
    assert bot.post(body, JSON).status in (200, 400, 413)
