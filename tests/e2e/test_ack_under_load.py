"""Slack's acks are answered while slow asks are in flight, over HTTP and in Socket Mode.

Twenty asks wait on a model that does not answer until released; every other command and
event must still get its ack (Slack gives up after 3 s). Nothing here is timed: a starved ack
would never be answered while the asks are held, and the test would fail on it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support.bot_server import eventually, running_bot
from tests.support.fake_bedrock import FakeBedrock, Reply
from tests.support.fake_slack import FakeSlack
from tests.support.fake_socket_mode import serve_fake_socket_mode
from tests.support.signing import reaction_event
from tests.support.socket_mode_bot import command_payload, event_payload, running_socket_mode_bot

ASKS = 20
ASK_POOL = 16  # asks talking to the model at once; the rest wait their turn


@pytest.fixture
def held(bedrock: FakeBedrock, monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Every ask waits on the model until the test ends."""
    release = threading.Event()
    bedrock.default = Reply(text="A held answer.", hold=release)
    monkeypatch.setenv("GENAI_OPS_ASK_DEFAULT_MODEL", "amazon.nova-lite-v1:0")
    monkeypatch.setenv("GENAI_OPS_ASK_RATE_LIMIT_PER_HOUR", "1000")
    monkeypatch.setenv("GENAI_OPS_LATENCY_STATISTIC", "Average")
    yield release
    release.set()


def test_http_acks_are_answered_with_twenty_asks_held(
    held: threading.Event, bedrock: FakeBedrock, slack: FakeSlack, aws: str, tmp_path: Path
) -> None:
    with running_bot(tmp_path, slack, "--no-poll") as bot:
        asks = [bot.command("/genai-ask", f"question {i}?", user_id=f"A{i}") for i in range(ASKS)]
        assert all("Asking" in reply.body for reply in asks)
        eventually(lambda: len(bedrock.calls) >= ASK_POOL)

        with ThreadPoolExecutor(12) as pool:
            helps = list(pool.map(lambda i: bot.command("/genai-help", user_id=f"H{i}"), range(6)))
            stats = list(pool.map(lambda i: bot.command("/genai-stats", user_id=f"S{i}"), range(3)))
            events = [
                bot.event(reaction_event("+1", user=f"R{i}"), event_id=f"EvR{i}") for i in range(3)
            ]

        assert all(r.status == 200 and "/genai-stats" in r.json()["text"] for r in helps)
        assert all(r.status == 200 and "Gathering" in r.body for r in stats), [
            (r.status, r.body) for r in stats
        ]
        assert all(r.status == 200 for r in events)
        assert not slack.of("chat.postMessage"), "an ask was answered before the model was"
        held.set()
        eventually(lambda: len(slack.of("chat.postMessage")) >= ASKS, timeout=60)


def test_socket_mode_acks_are_answered_with_twenty_asks_held(
    held: threading.Event, bedrock: FakeBedrock, slack: FakeSlack, aws: str, tmp_path: Path
) -> None:
    with serve_fake_socket_mode() as socket, running_socket_mode_bot(tmp_path, slack, socket):
        asks = [
            socket.send("slash_commands", command_payload("/genai-ask", f"q {i}?", user_id=f"A{i}"))
            for i in range(ASKS)
        ]
        assert all("Asking" in str(socket.wait_ack(a).payload) for a in asks)
        eventually(lambda: len(bedrock.calls) >= ASK_POOL)

        help_id = socket.send("slash_commands", command_payload("/genai-help", user_id="H1"))
        stats_id = socket.send("slash_commands", command_payload("/genai-stats", user_id="S1"))
        event_id = socket.send("events_api", event_payload(reaction_event("+1"), "EvS1"))

        assert "/genai-stats" in str(socket.wait_ack(help_id).payload)
        assert "Gathering" in str(socket.wait_ack(stats_id).payload)
        assert socket.wait_ack(event_id) is not None
        assert not slack.of("chat.postMessage"), "an ask was answered before the model was"
        held.set()
        eventually(lambda: len(slack.of("chat.postMessage")) >= ASKS, timeout=60)
