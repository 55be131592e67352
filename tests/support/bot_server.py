"""Runs the real ``genai-ops serve`` in a subprocess on 127.0.0.1 and talks to it as Slack does."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bot.config.serving import ServeSettings
from tests.support.fake_slack import FakeSlack
from tests.support.signing import (
    FORM,
    JSON,
    SIGNING_SECRET,
    command_body,
    event_body,
    interactive_body,
    signed_headers,
)

T = TypeVar("T")
TRIGGERS = itertools.count(1)
START_TIMEOUT = 60.0


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class BotServer:
    """A running ``genai-ops serve``: its URL, its logs, and helpers to send signed requests."""

    url: str
    slack: FakeSlack
    process: subprocess.Popen[bytes]
    log_path: Path
    replies: list[Reply] = field(default_factory=list)

    @property
    def response_url(self) -> str:
        """A ``response_url`` that lands on the fake Slack (recorded as ``/response/...``)."""
        return self.slack.url.replace("/api/", "/response/1")

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")

    def post(
        self,
        body: str,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        sign: bool = True,
        secret: str = SIGNING_SECRET,
        timestamp: int | None = None,
    ) -> Reply:
        sent = (
            signed_headers(body, content_type, secret=secret, timestamp=timestamp)
            if sign
            else {"Content-Type": content_type}
        )
        sent.update(headers or {})
        request = urllib.request.Request(self.url, data=body.encode(), headers=sent, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                reply = Reply(answer.status, dict(answer.headers), answer.read().decode())
        except urllib.error.HTTPError as error:
            reply = Reply(error.code, dict(error.headers), error.read().decode())
        except urllib.error.URLError as error:
            # A body over the server's limit is answered 413 and the connection closed before
            # the client has finished writing it: the refusal then shows as a broken pipe.
            closed = isinstance(error.reason, (BrokenPipeError, ConnectionResetError))
            if not (closed and len(body.encode()) > ServeSettings().max_body_bytes):
                raise
            reply = Reply(413, {}, "connection closed while the body was sent")
        self.replies.append(reply)
        return reply

    def command(self, command: str, text: str = "", **fields: Any) -> Reply:
        """A slash command; each gets its own ``trigger_id``, as Slack's do (so two alike
        are two requests, not a replay)."""
        fields.setdefault("response_url", self.response_url)
        fields.setdefault("trigger_id", f"{next(TRIGGERS)}.{os.getpid()}.1")
        return self.post(command_body(command, text, **fields), FORM)

    def event(
        self, event: dict[str, Any], *, event_id: str = "Ev0001", retry: int | None = None
    ) -> Reply:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(
            event_body(event, event_id=event_id), JSON, headers=headers if retry else None
        )

    def action(self, payload: dict[str, Any]) -> Reply:
        payload["response_url"] = payload.get("response_url") or self.response_url
        return self.post(interactive_body(payload), FORM)


def eventually(check: Callable[[], T], timeout: float = 30.0, interval: float = 0.05) -> T:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {result!r})")
        time.sleep(interval)


def genai_ops_exe() -> str:
    return shutil.which("genai-ops", path=str(Path(sys.executable).parent)) or "genai-ops"


@contextmanager
def running_bot(
    workdir: Path, slack: FakeSlack, *args: str, env: dict[str, str] | None = None
) -> Iterator[BotServer]:
    """``genai-ops serve --host 127.0.0.1 --port 0 [args]`` until the block ends.

    The environment is this process's (the ``slack``/``aws`` fixtures point it at the fakes)
    plus ``SLACK_SIGNING_SECRET`` and ``env``.
    """
    out_path, log_path = workdir / "serve.out", workdir / "serve.log"
    environment = {**os.environ, "SLACK_SIGNING_SECRET": SIGNING_SECRET, **(env or {})}
    with out_path.open("wb") as out, log_path.open("wb") as err:
        process = subprocess.Popen(
            [genai_ops_exe(), "serve", "--host", "127.0.0.1", "--port", "0", *args],
            stdout=out,
            stderr=err,
            env=environment,
        )
    try:
        url = eventually(lambda: _bound_url(out_path, process, log_path), START_TIMEOUT)
        yield BotServer(url=url, slack=slack, process=process, log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _bound_url(out_path: Path, process: subprocess.Popen[bytes], log_path: Path) -> str | None:
    for line in out_path.read_text(errors="replace").splitlines():
        if "serving Slack requests on " in line:
            return line.rsplit(" ", 1)[-1]
    if process.poll() is not None:
        raise AssertionError(
            f"genai-ops serve exited with {process.returncode}:\n{log_path.read_text()}"
        )
    return None
