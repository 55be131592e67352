"""A damaged state file, met as a user meets it: `genai-ops poll --once`, `check-config` and
`serve` on a real SQLite file corrupted on purpose. One clear line and a non-zero exit for a
file that cannot be used; a corrupt row set aside, the rest of the state kept."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from alarms.names import short_model
from bot.app.poll.report import period_floor
from tests.e2e.test_cli import genai_ops
from tests.support.bedrock import SPIKY, seed_spike
from tests.support.fake_slack import FakeSlack


def state_file() -> Path:
    return Path(os.environ["GENAI_OPS_STATE_URL"].removeprefix("sqlite:///"))


def not_a_database(path: Path) -> None:
    path.write_bytes(b"this is not a database\n" * 100)


def wrong_schema(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, payload TEXT)")


BROKEN = {"not a database": not_a_database, "wrong schema": wrong_schema}


def one_clear_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and str(state_file()) in lines[0]
    assert "move it aside" in lines[0]
    return lines[0]


@pytest.mark.parametrize("damage", sorted(BROKEN))
def test_poll_once_and_check_config_refuse_an_unusable_state_file(damage: str) -> None:
    BROKEN[damage](state_file())
    before = state_file().read_bytes()
    poll = genai_ops("poll", "--once")
    assert poll.returncode == 1
    one_clear_line(poll.stderr)
    check = genai_ops("check-config")
    assert check.returncode == 1
    one_clear_line(check.stderr)
    assert state_file().read_bytes() == before  # nothing of the user's file is touched


def test_a_corrupt_row_is_set_aside_and_the_rest_of_the_state_kept(
    cloudwatch: Any, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENAI_OPS_LATENCY_STATISTIC", "Average")
    monkeypatch.setenv("GENAI_OPS_LOOKBACK_HOURS", "6")
    seed_spike(cloudwatch, period_floor(datetime.now(UTC), 300) - timedelta(minutes=30))
    assert genai_ops("poll", "--once").returncode == 0
    [post] = slack.of("chat.postMessage")  # the spike is announced and stored
    assert short_model(SPIKY.model_id) in post.args["text"]
    with sqlite3.connect(state_file()) as db:
        db.execute(
            "INSERT INTO documents VALUES ('alert', 'broken', '{\"fingerprint\": \"x\", ', 1, NULL)"
        )
        db.execute("INSERT INTO documents VALUES ('silence', 'bytes', X'FFFE7B7D', 1, NULL)")

    check = genai_ops("check-config")
    assert check.returncode == 1
    assert "2 state row(s) cannot be read" in check.stderr and "alert/broken" in check.stderr
    assert "Traceback" not in check.stderr

    again = genai_ops("poll", "--once")
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr and "set aside" in again.stderr
    assert len(slack.of("chat.postMessage")) == 1  # the stored alert is intact: no re-announce
    with sqlite3.connect(state_file()) as db:
        aside = db.execute("SELECT kind, key FROM set_aside ORDER BY kind").fetchall()
        alerts = db.execute("SELECT key FROM documents WHERE kind = 'alert'").fetchall()
    assert aside == [("alert", "broken"), ("silence", "bytes")]
    assert len(alerts) == 1
    assert genai_ops("check-config").returncode == 0  # set aside: the state is clean again


def test_check_config_warns_about_a_misspelled_slack_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKN", "xoxb-typo")
    result = genai_ops("check-config", "--offline")  # the settings alone: no AWS here
    assert result.returncode == 0
    assert "SLACK_BOT_TOKN" in result.stdout and "SLACK_BOT_TOKEN" in result.stdout
    assert "xoxb-typo" not in result.stdout + result.stderr


def test_serve_refuses_to_start_on_an_unusable_state_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    wrong_schema(state_file())
    result = genai_ops("serve", "--port", "0", timeout=60)
    assert result.returncode == 1
    one_clear_line(result.stderr)
