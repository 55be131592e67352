"""Detection quality of the default latency rule: real labelled series (NAB) and scenarios.

On real data the default ``latency_spike`` rule is replayed through ``genai-ops backtest``'s
own code (alert lifecycle included, so an onset is a page) over NAB's development corpus, in
this process's two workers (``nab_replay``: no interpreter start-up per file), and the outputs
are scored by ``../shared/nab/run --onsets-dir`` (NAB's standard, low-FP and low-FN profiles).
Skipped, with a message, when that script or the NAB data is not there. The synthetic
scenarios of ``tests/support/scenarios.py`` follow: precision, recall and detection delay.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path
from statistics import median

from alarms.rules import LatencySpikeRule
from benchmarks.nab_replay import development_files, nab_root, replay_all
from tests.support.scenarios import evaluate_rule

REPO = Path(__file__).resolve().parent.parent
NAB_RUN = REPO / ".." / "shared" / "nab" / "run"
# Scores and counts only, from a fixed replay: the same in every run, so it runs in one pass.
ONE_PASS = True
Row = tuple[str, str, str]


def run() -> list[Row]:
    """The NAB figures (or why they are missing), then the synthetic scenario figures."""
    return [*nab_rows(), *scenario_rows()]


def nab_rows() -> list[Row]:
    """NAB standard, lowFP, lowFN, false pages per series-week, windows caught, delay."""
    if not NAB_RUN.exists():
        return [("NAB detection", "skipped", f"no scoring script at {NAB_RUN}")]
    try:
        files = development_files(nab_root(REPO))
    except (OSError, subprocess.CalledProcessError) as exc:
        return [("NAB detection", "skipped", f"NAB data unavailable: {exc}")]
    with tempfile.TemporaryDirectory(prefix="bench-nab-") as tmp:
        report, outputs = Path(tmp) / "nab.json", Path(tmp) / "outputs"
        replay_all(files, outputs)
        done = subprocess.run(
            [str(NAB_RUN), "--onsets-dir", str(outputs), "--json", str(report)],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not report.exists():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return [("NAB detection", "skipped", f"NAB scorer unavailable: {last}")]
        figures = json.loads(report.read_text())
        delays = detection_delays(outputs)
    profiles, alerts = figures["profiles"], figures["alerts"]
    return [
        ("NAB standard", f"{profiles['standard']['normalized']:.1f}", "0 = never pages, 100 ideal"),
        ("NAB reward_low_FP", f"{profiles['reward_low_FP_rate']['normalized']:.1f}", ""),
        ("NAB reward_low_FN", f"{profiles['reward_low_FN_rate']['normalized']:.1f}", ""),
        (
            "NAB false pages",
            f"{alerts['false_onsets_per_series_week']:.2f}",
            "per series-week",
        ),
        (
            "NAB windows caught",
            f"{alerts['windows_detected']}/{alerts['windows_scorable']}",
            "labelled anomaly windows with a page",
        ),
        (
            "NAB detection delay",
            f"{median(delays):.0f}" if delays else "-",
            "min from window start to first page, median",
        ),
    ]


def detection_delays(outputs: Path) -> list[float]:
    """Minutes from each labelled window's start to the first page inside it."""
    windows = labelled_windows()
    delays: list[float] = []
    for name, spans in windows.items():
        path = outputs / name
        if not path.exists():
            continue
        pages = [
            datetime.fromisoformat(row["timestamp"])
            for row in csv.DictReader(io.StringIO(path.read_text()))
            if row["onset"] == "1"
        ]
        for start, end in spans:
            inside = [p for p in pages if start <= p <= end]
            if inside:
                delays.append((min(inside) - start).total_seconds() / 60)
    return delays


def labelled_windows() -> dict[str, list[tuple[datetime, datetime]]]:
    """NAB's labelled windows per development file, read from the mirror the scorer uses."""
    root = nab_root(REPO)
    labels = root / "labels" / "combined_windows.json"
    if labels.exists():  # a checkout
        text = labels.read_text()
    else:  # a bare mirror
        shown = subprocess.run(
            ["git", f"--git-dir={root}", "show", "HEAD:labels/combined_windows.json"],
            capture_output=True,
            text=True,
            check=False,
        )
        if shown.returncode != 0:
            return {}
        text = shown.stdout
    keep = ("realKnownCause/", "realTraffic/", "realAdExchange/", "realTweets/")
    return {
        name: [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in spans]
        for name, spans in json.loads(text).items()
        if name.startswith(keep)
    }


def scenario_rows() -> list[Row]:
    """Precision, recall and delay over the labelled synthetic scenarios, 10 variants each."""
    per, overall = evaluate_rule(LatencySpikeRule(), runs=10)
    rows = [
        ("latency_spike precision", f"{overall.precision:.2f}", "alerts on a real incident"),
        ("latency_spike recall", f"{overall.recall:.2f}", "incidents alerted on"),
        (
            "latency_spike detection delay",
            f"{median(overall.delays):.0f}" if overall.delays else "-",
            "min, median",
        ),
    ]
    rows += [
        (f"  {name}", f"{s.alerts} alerts", f"{s.detected}/{s.incidents} incidents")
        for name, s in per.items()
    ]
    return rows
