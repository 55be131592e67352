"""A new user's walk-through: the README's commands, in a scratch copy of the repository.

The offline parts run for real: `make demo` (through the Makefile, with the installed packages
standing in for a fresh `.venv` so the test takes seconds, not minutes), then the five-minute
path against the embedded AWS and the fake Slack: the manifest, `check-config` (all on, exit 0)
and one poll. `make test` is this suite; its plan is checked with `make -n`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def scratch_clone(into: Path) -> Path:
    """The files a clone has (tracked, and new ones not ignored), nothing else."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return into


def stand_in_venv(clone: Path) -> None:
    """`.venv/bin/genai-ops` running the clone's code on the installed packages."""
    bin_dir = clone / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "genai-ops"
    main = "-m bot.entrypoints.cli.main"
    script.write_text(f'#!/bin/sh\nPYTHONPATH="{clone}" exec "{sys.executable}" {main} "$@"\n')
    script.chmod(0o755)
    (bin_dir / "python").symlink_to(sys.executable)
    (clone / ".venv" / ".installed").touch()  # newer than pyproject.toml and the lock


def readme_commands(clone: Path) -> list[str]:
    text = (clone / "README.md").read_text()
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            command = line.split("#", 1)[0].strip()
            if command:
                lines.append(command)
    return lines


def run(
    clone: Path, command: str, timeout: float = 240, without: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in without}
    return subprocess.run(
        command,
        shell=True,
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def test_the_readme_walkthrough(
    tmp_path: Path, aws: str, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = scratch_clone(tmp_path / "genai-ops-bot")
    stand_in_venv(clone)
    commands = readme_commands(clone)
    assert commands[:2] == ["make demo", "make test"]

    # the real workspace is the embedded AWS and the fake Slack, already configured
    monkeypatch.setenv("GENAI_OPS_LATENCY_STATISTIC", "Average")  # moto has no percentiles
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test")
    slack.canned["conversations.info"] = {"channel": {"id": "C0ALERTS", "is_member": True}}

    # first, as on a fresh machine: no Slack settings, so the demo prints to the terminal
    demo = run(clone, "make demo", without=("SLACK_BOT_TOKEN", "GENAI_OPS_ALERT_CHANNEL"))
    assert demo.returncode == 0, demo.stderr
    story = demo.stdout
    order = [
        "1. Alerts",
        "Latency spike on",
        "2. Twenty minutes later",
        "[RESOLVED]",
        "3. /genai-stats 24h",
        "errors ",
        "4. An answer and a vote",
        "1 positive vote",
        "Next steps:",
        "genai-ops check-config",
        "make deploy",
    ]
    positions = [story.find(marker) for marker in order]
    assert -1 not in positions, [m for m, p in zip(order, positions, strict=True) if p < 0]
    assert positions == sorted(positions)

    plan = run(clone, "make -n test")
    assert plan.returncode == 0 and "ruff check" in plan.stdout and "pytest" in plan.stdout

    ran = 0
    for command in commands[2:]:
        if command.startswith("export "):
            continue  # the fixtures hold the environment a user would export
        if command.endswith(" run"):
            continue  # Socket Mode runs until stopped
        result = run(clone, command)
        assert result.returncode == 0, (command, result.stdout, result.stderr)
        ran += 1
    assert ran == 2  # the manifest and check-config
    assert '"socket_mode_enabled": true' in (clone / "manifest.json").read_text()
    checked = run(clone, ".venv/bin/genai-ops check-config")
    assert "[off]" not in checked.stdout.split("Checks (AWS and Slack, live):")[1]

    poll = run(clone, ".venv/bin/genai-ops poll --once")
    assert poll.returncode == 0, poll.stderr
    assert poll.stdout.startswith("polled 0 models")
