"""`genai-ops backtest` as a user runs it: a CSV in, the same CSV with firing/onset out."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.test_cli import genai_ops

CALM = [1000, 1040, 980, 1010, 995, 1020, 990, 1005, 1030, 970]
VALUES: list[float | None] = [*CALM, None, 1000, 2600, 2700, 2650, 2800, 1000, 990, 1010, 1000]


def write_csv(path: Path, values: list[float | None], iso: bool = False) -> list[str]:
    start = datetime(2026, 11, 20, tzinfo=UTC)
    stamps = [
        (start + timedelta(minutes=5 * i)).strftime(
            "%Y-%m-%dT%H:%M:%SZ" if iso else "%Y-%m-%d %H:%M:%S"
        )
        for i in range(len(values))
    ]
    lines = ["timestamp,value"] + [
        f"{s},{'' if v is None else v}" for s, v in zip(stamps, values, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    return stamps


def rows(stdout: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(stdout)))


def test_latency_backtest_marks_firing_and_the_onset_row(tmp_path: Path) -> None:
    path = tmp_path / "latency.csv"
    stamps = write_csv(path, VALUES)
    result = genai_ops("backtest", "--rule", "latency_spike", "--csv", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "timestamp,value,firing,onset"
    out = rows(result.stdout)
    assert [r["timestamp"] for r in out] == stamps  # one row per input row, echoed as given
    assert out[10]["value"] == ""  # a gap stays a gap
    firing = "".join(r["firing"] for r in out)
    onset = "".join(r["onset"] for r in out)
    # 3 of 5 breaching periods fire at the third spike; 3 calm periods resolve
    assert firing == "00000000000000111100"
    assert onset == "00000000000000100000"


def test_a_config_file_tunes_the_rule(tmp_path: Path) -> None:
    path = tmp_path / "latency.csv"
    write_csv(path, VALUES, iso=True)
    config = tmp_path / "bot.toml"
    config.write_text('[[rules]]\nkind = "latency_spike"\nbreach_periods = 2\n')
    result = genai_ops(
        "backtest", "--rule", "latency_spike", "--csv", str(path), "--config", str(config)
    )
    assert result.returncode == 0, result.stderr
    assert "".join(r["onset"] for r in rows(result.stdout)) == "00000000000001000000"


def test_rate_rules_take_a_share_of_calls(tmp_path: Path) -> None:
    path = tmp_path / "throttles.csv"
    write_csv(path, [0.01, 0.0, 0.02, 0.01, 0.3, 0.4, 0.01, 0.0, 0.0])
    result = genai_ops("backtest", "--rule", "throttle_rate", "--csv", str(path))
    assert result.returncode == 0, result.stderr
    assert "".join(r["firing"] for r in rows(result.stdout)) == "000001110"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("time,latency\n2026-11-20 00:00:00,1\n", "line 1: the header must be timestamp,value"),
        ("timestamp,value\nyesterday,1\n", "line 2: 'yesterday' is not a timestamp"),
        ("timestamp,value\n2026-11-20 00:00:00,fast\n", "line 2: 'fast' is not a number"),
        ("timestamp,value\n", "no data rows"),
        ("", "is empty: it needs a header timestamp,value and data rows"),
    ],
)
def test_bad_input_is_refused_with_the_line_to_fix(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    result = genai_ops("backtest", "--rule", "latency_spike", "--csv", str(path))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = str(tmp_path / "no.csv")
    result = genai_ops("backtest", "--rule", "latency_spike", "--csv", missing)
    assert result.returncode == 2 and "No such file" in result.stderr
    assert missing in result.stderr and len(result.stderr.strip().splitlines()) == 1
