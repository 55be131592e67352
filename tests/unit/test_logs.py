"""Logs: one readable line on a terminal, JSON otherwise; Bolt's expected notice dropped."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.entrypoints import logs


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def stderr() -> Iterator[io.StringIO]:
    yield Terminal()
    logging.getLogger().handlers[:] = []


def test_a_terminal_gets_text_and_a_pipe_gets_json(stderr: io.StringIO) -> None:
    logs.configure("INFO", "auto", stderr)
    logging.getLogger("bot.app.poll.poller").warning("check failed", extra={"check": "metrics"})
    line = stderr.getvalue().strip()
    assert line.endswith("WARNING poller: check failed (check=metrics)")
    assert logs.use_text("auto", io.StringIO()) is False  # not a terminal: JSON
    stderr.truncate(0)
    stderr.seek(0)
    logs.configure("INFO", "json", stderr)
    logging.getLogger("bot").warning("token xoxb-123-abc leaked?")
    entry = json.loads(stderr.getvalue())
    assert entry["message"] == "token [redacted] leaked?"


def test_bolts_unused_token_notice_is_dropped(stderr: io.StringIO) -> None:
    logs.configure("INFO", "text", stderr)
    bolt = logging.getLogger("slack_bolt.App")
    bolt.warning("As you gave `client` as well, `token` will be unused.")
    bolt.warning("something else")
    assert "token` will be unused" not in stderr.getvalue()
    assert "something else" in stderr.getvalue()


def test_at_debug_the_chart_library_stays_quiet(stderr: io.StringIO) -> None:
    logs.configure("DEBUG", "json", stderr)
    logging.getLogger("matplotlib.font_manager").debug("findfont: scoring every font")
    logging.getLogger("bot.poll").debug("our own debug line")
    lines = [json.loads(line)["logger"] for line in stderr.getvalue().splitlines()]
    assert lines == ["bot.poll"]


def test_a_refused_role_is_one_line_of_ours_not_botocores_traceback(stderr: io.StringIO) -> None:
    logs.configure("DEBUG", "json", stderr)
    try:
        raise RuntimeError("AccessDenied")
    except RuntimeError:
        logging.getLogger("botocore.credentials").warning(
            "Refreshing temporary credentials failed during mandatory refresh period.",
            exc_info=True,
        )
    logging.getLogger("bot.app.poll.target_checks").warning("target failed this cycle")
    (line,) = stderr.getvalue().splitlines()
    assert json.loads(line)["message"] == "target failed this cycle"
