"""`genai-ops backtest` takes real exports: unsorted, repeated, uneven, blank values."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.e2e.test_backtest import CALM, rows
from tests.e2e.test_cli import genai_ops

START = datetime(2026, 11, 20, tzinfo=UTC)


def stamp(minutes: float) -> str:
    return (START + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S")


def backtest(path: Path, lines: list[str], *extra: str):
    path.write_text("timestamp,value\n" + "\n".join(lines) + "\n")
    return genai_ops("backtest", "--rule", "latency_spike", "--csv", str(path), *extra)


SPIKE = [*CALM, *CALM, 2600, 2700, 2650, 2800, 1000, 990, 1010, 1000]
ORDERED = [f"{stamp(5 * i)},{v}" for i, v in enumerate(SPIKE)]


def test_unsorted_rows_give_the_same_answer_as_sorted(tmp_path: Path) -> None:
    shuffled = ORDERED.copy()
    random.Random(7).shuffle(shuffled)
    sorted_out = backtest(tmp_path / "a.csv", ORDERED)
    shuffled_out = backtest(tmp_path / "b.csv", shuffled)
    assert shuffled_out.returncode == 0, shuffled_out.stderr
    assert shuffled_out.stdout == sorted_out.stdout
    assert sum(int(r["onset"]) for r in rows(shuffled_out.stdout)) == 1


def test_repeated_timestamps_keep_the_last_row_and_warn_once(tmp_path: Path) -> None:
    repeated = [*ORDERED[:5], f"{stamp(0)},9999", f"{stamp(5)},9999", *ORDERED[5:]]
    repeated += [f"{stamp(0)},1001"]
    result = backtest(tmp_path / "r.csv", repeated)
    assert result.returncode == 0, result.stderr
    out = rows(result.stdout)
    assert len(out) == len(SPIKE)  # one row per distinct timestamp
    assert out[0]["value"] == "1001" and out[1]["value"] == "9999"
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 1 and "3 repeated" in warnings[0]


def test_uneven_steps_and_gaps_are_accepted(tmp_path: Path) -> None:
    minutes = [0, 5, 9, 15, 21, 25, 30, 36, 40, 45, 50, 55, 60, 66, 70, 75, 80, 85, 90, 95]
    minutes += [140, 145, 151, 155, 160, 165, 170, 175]  # a 45-minute gap before a spike
    values = [*CALM, *CALM[:8], 1000, 1010, 1000, 1010, 2600, 2700, 2650, 2800, 1000, 990]
    lines = [f"{stamp(m)},{v}" for m, v in zip(minutes, values, strict=True)]
    result = backtest(tmp_path / "u.csv", lines)
    assert result.returncode == 0, result.stderr
    out = rows(result.stdout)
    assert [r["timestamp"] for r in out] == [stamp(m) for m in minutes]
    assert "".join(r["onset"] for r in out).count("1") == 1
    assert out[minutes.index(160)]["firing"] == "1"


def test_blank_values_are_skipped_but_echoed(tmp_path: Path) -> None:
    lines = [line if i % 4 else f"{line.split(',')[0]}," for i, line in enumerate(ORDERED)]
    result = backtest(tmp_path / "blank.csv", lines)
    assert result.returncode == 0, result.stderr
    out = rows(result.stdout)
    assert len(out) == len(SPIKE) and out[0]["value"] == ""
    assert result.stderr == ""


def test_period_resamples_and_reports_every_row(tmp_path: Path) -> None:
    one_minute = [f"{stamp(i)},{SPIKE[i // 5]}" for i in range(5 * len(SPIKE))]
    result = backtest(tmp_path / "m.csv", one_minute, "--period", "300")
    assert result.returncode == 0, result.stderr
    out = rows(result.stdout)
    assert len(out) == len(one_minute)
    assert sum(int(r["onset"]) for r in out) == 1


def test_help_describes_the_csv_and_the_rules() -> None:
    result = genai_ops("backtest", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for words in ("timestamp,value", "latency_spike", "onset", "--period", "repeated"):
        assert words in text, words
