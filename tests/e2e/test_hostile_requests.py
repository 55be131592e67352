"""Hostile and broken requests against the real ``genai-ops serve``: replays, malformed
headers and payloads, idle connections, huge bodies, and buttons from outside the alert
channel. Each gets a 4xx (or is served) and the bot keeps answering."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlparse

from tests.support.bot_server import BotServer, Reply, eventually, running_bot
from tests.support.fake_bedrock import FakeBedrock
from tests.support.fake_slack import FakeSlack
from tests.support.signing import (
    FORM,
    JSON,
    SIGNING_SECRET,
    block_action,
    command_body,
    event_body,
    interactive_body,
    reaction_event,
)

NOVA = "amazon.nova-lite-v1:0"
ASK_ENV = {"GENAI_OPS_ASK_DEFAULT_MODEL": NOVA}


def test_a_replayed_signed_command_runs_once(
    bedrock: FakeBedrock, slack: FakeSlack, aws: str, tmp_path: Path
) -> None:
    with running_bot(tmp_path, slack, "--no-poll", env=ASK_ENV) as bot:
        body = command_body("/genai-ask", "what is RAG?", response_url=bot.response_url)
        moment = int(time.time())
        replies = [bot.post(body, FORM, timestamp=moment) for _ in range(4)]
        assert [r.status for r in replies] == [200, 401, 401, 401]
        eventually(lambda: slack.of("chat.postMessage"))
        again = bot.post(body, FORM, timestamp=moment + 1)  # signed anew: a new request
        assert again.status == 200
        eventually(lambda: len(slack.of("chat.postMessage")) == 2)
        assert len(bedrock.calls) == 2
        assert "Traceback" not in bot.logs()


def test_a_request_replayed_to_a_second_process_runs_once(
    bedrock: FakeBedrock, slack: FakeSlack, aws: str, tmp_path: Path
) -> None:
    """Two processes on one state file (a restart, or two behind a balancer): each acks from
    its own memory, and the store decides which one does the work."""
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    with (
        running_bot(tmp_path / "one", slack, "--no-poll", env=ASK_ENV) as one,
        running_bot(tmp_path / "two", slack, "--no-poll", env=ASK_ENV) as two,
    ):
        body = command_body("/genai-ask", "what is RAG?", response_url=one.response_url)
        moment = int(time.time())
        assert one.post(body, FORM, timestamp=moment).status == 200
        assert two.post(body, FORM, timestamp=moment).status == 200  # acked: it cannot know
        assert one.post(body, FORM, timestamp=moment).status == 401  # it remembers
        eventually(lambda: slack.of("chat.postMessage"))
        eventually(lambda: "already handled by another process" in one.logs() + two.logs())
        time.sleep(1)  # time for a second answer, were there one
        assert len(bedrock.calls) == 1 and len(slack.of("chat.postMessage")) == 1


def test_malformed_headers_and_payload_shapes_get_4xx(bot_server: BotServer) -> None:
    body = command_body("/genai-help")
    for timestamp in ("abc", "", "1e9", "-1", "\u00b2\u00b3", "9" * 40):
        reply = bot_server.post(body, FORM, headers={"X-Slack-Request-Timestamp": timestamp})
        assert reply.status == 401, (timestamp, reply.status)
    signed_shapes = [
        (interactive_body(block_action("alert_ack", value="x") | {"actions": []}), FORM),
        (interactive_body({"type": "block_actions", "user": False, "actions": [{}]}), FORM),
        (json.dumps({"type": "event_callback", "event_id": "Ev1", "event": None}), JSON),
        (json.dumps([1, 2]), JSON),
        ("{not json", JSON),
        ("payload=%7Bnot+json", FORM),
    ]
    for body, kind in signed_shapes:
        assert bot_server.post(body, kind).status == 400, body
    raw = b'{"type": "event_callback", "event": {"type": "\xff"}}'
    assert _post_bytes(bot_server, raw).status == 400
    assert bot_server.post(event_body(reaction_event("+1")), JSON).status == 200  # still served
    assert "Traceback" not in bot_server.logs()


def test_idle_connections_and_huge_bodies_do_not_take_it_down(
    slack: FakeSlack, aws: str, tmp_path: Path
) -> None:
    env = {"GENAI_OPS_SERVE__IDLE_TIMEOUT_SECONDS": "2"}
    with running_bot(tmp_path, slack, "--no-poll", env=env) as bot:
        address = urlparse(bot.url)
        host, port = address.hostname or "127.0.0.1", address.port or 80
        with idle_connections(host, port, 150) as idle:
            health = urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=5)
            assert health.status == 200
            idle[0].settimeout(15)
            assert idle[0].recv(1) == b""  # closed by the server once idle too long

        with socket.create_connection((host, port), timeout=5) as client:
            client.sendall(
                b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 104857600\r\n\r\n{"
            )
            assert client.recv(64).startswith(b"HTTP/1.1 413")  # refused before it is read

        with socket.create_connection((host, port), timeout=5) as client:
            client.sendall(
                b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            chunk = b"x" * 65536
            try:
                for _ in range(40):  # 2.5 MB
                    client.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                pass  # the server stopped reading: what we want
            assert client.recv(64).startswith(b"HTTP/1.1 413")
        assert bot.command("/genai-help").status == 200


def test_a_non_member_cannot_press_alert_buttons_when_the_channel_is_a_name(
    slack: FakeSlack, aws: str, tmp_path: Path
) -> None:
    slack.canned["conversations.list"] = {
        "channels": [
            {"id": "C0RANDOM1", "name": "random"},
            {"id": "C0ALERTS9", "name": "genai-alerts"},
        ],
        "response_metadata": {"next_cursor": ""},
    }
    slack.members.update({"C0ALERTS9": ["U1"], "C0RANDOM1": ["U1", "U9"]})
    env = {"GENAI_OPS_ALERT_CHANNEL": "#genai-alerts"}
    with running_bot(tmp_path, slack, "--no-poll", env=env) as bot:
        press = block_action("alert_ack", value="f" * 16, user_id="U9", channel_id="C0RANDOM1")
        assert bot.action(press).status == 200
        (refusal,) = eventually(lambda: slack.of("/response/1"))
        assert (
            refusal.args["text"] == ":no_entry: only members of <#C0ALERTS9> can act on its alerts."
        )
        assert slack.of("conversations.list")  # looked up by name

    slack.canned["conversations.list"] = {"channels": [], "response_metadata": {"next_cursor": ""}}
    with running_bot(tmp_path, slack, "--no-poll", env=env) as bot:
        bot.action(block_action("alert_ack", value="f" * 16, user_id="U1", channel_id="C0RANDOM1"))
        refused = eventually(lambda: len(slack.of("/response/1")) == 2 and slack.of("/response/1"))
        assert "cannot be checked" in refused[1].args["text"]


@contextmanager
def idle_connections(host: str, port: int, count: int) -> Iterator[list[socket.socket]]:
    with ExitStack() as stack:
        sockets = [
            stack.enter_context(socket.create_connection((host, port), timeout=5))
            for _ in range(count)
        ]
        yield sockets


def _post_bytes(bot: BotServer, body: bytes) -> Reply:
    """A signed POST of raw bytes (the helpers sign text)."""
    moment = str(int(time.time()))
    digest = hmac.new(
        SIGNING_SECRET.encode(), b"v0:" + moment.encode() + b":" + body, hashlib.sha256
    )
    headers = {
        "Content-Type": JSON,
        "X-Slack-Request-Timestamp": moment,
        "X-Slack-Signature": "v0=" + digest.hexdigest(),
    }
    request = urllib.request.Request(bot.url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return Reply(answer.status, dict(answer.headers), answer.read().decode())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers), "")
