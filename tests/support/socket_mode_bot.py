"""Runs the real ``genai-ops run`` (Socket Mode) in a subprocess against the local fakes."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.bot_server import genai_ops_exe
from tests.support.fake_slack import FakeSlack
from tests.support.fake_socket_mode import FakeSocketMode
from tests.support.signing import command_body, event_body

START_TIMEOUT = 120.0


@contextmanager
def running_socket_mode_bot(
    workdir: Path, slack: FakeSlack, socket: FakeSocketMode, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """``genai-ops run --no-poll`` connected to ``socket`` (through the fake Slack's
    ``apps.connections.open``) until the block ends."""
    slack.canned["apps.connections.open"] = {"url": socket.url}
    log = workdir / "run.log"
    environment = {
        **os.environ,
        "SLACK_APP_TOKEN": "xapp-1-test",
        "GENAI_OPS_SLACK_API_URL": slack.url,
        **(env or {}),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [genai_ops_exe(), "run", "--no-poll"], stdout=out, stderr=out, env=environment
        )
    try:
        # Start-up imports, auth.test and the WebSocket handshake: slow on a busy machine.
        deadline = time.monotonic() + START_TIMEOUT
        while not socket.connected.wait(0.1) and process.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"no connection:\n{log.read_text(errors='replace')}")
        if process.poll() is not None:
            raise AssertionError(f"genai-ops run exited:\n{log.read_text(errors='replace')}")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def command_payload(command: str, text: str = "", **fields: Any) -> dict[str, Any]:
    """A slash command as Socket Mode carries it: the form fields as an object."""
    from urllib.parse import parse_qsl

    return dict(parse_qsl(command_body(command, text, **fields), keep_blank_values=True))


def event_payload(event: dict[str, Any], event_id: str) -> dict[str, Any]:
    """An ``event_callback`` as Socket Mode carries it."""
    import json

    payload: dict[str, Any] = json.loads(event_body(event, event_id=event_id))
    return payload
