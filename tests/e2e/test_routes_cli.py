"""`genai-ops routes --test` as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.entrypoints.cli.main import main

TEAMS = Path(__file__).parents[1] / "fixtures" / "routes-three-teams.toml"


def test_routes_test_prints_where_an_alert_would_go(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["routes", "--config", str(TEAMS), "--test", "rule=budget_threshold", "team=helpdesk"]
    )

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[0].startswith("-> support | channel C0SUPPORT | mention @support-oncall")
    assert lines[1].startswith("+> finops | channel #finops")
    assert len(lines) == 2


def test_routes_test_rejects_a_label_without_a_value(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "--config", str(TEAMS), "--test", "team"]) == 2
    assert "'team' is not LABEL=VALUE" in capsys.readouterr().err
