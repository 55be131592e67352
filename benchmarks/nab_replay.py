"""NAB's development files through ``genai-ops backtest``'s own code, in two processes.

The scorer (``../shared/nab/run``) can run a detector command once per file, which cost 30
interpreter start-ups (about 1.2 s of CPU each, before any detection). Here the bench feeds
each file, scaled exactly as the scorer scales it, to the functions ``genai-ops backtest``
runs (``read_series`` and ``run_backtest``), in a pool of two worker processes (the detector
is CPU-bound Python: one per core), and writes the outputs where the scorer's
``--onsets-dir`` reads them. realAWSCloudwatch is held out and never listed or read.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bot.entrypoints.cli.backtest import pick_rule, read_series, run_backtest

CATEGORIES = ("realKnownCause", "realTraffic", "realAdExchange", "realTweets")
SCALED_MEDIAN = 1000.0  # the scorer's --scale-median: each series as if a latency in ms
WORKERS = 2


def nab_root(repo: Path) -> Path:
    """Where NAB is: ``$NAB_ROOT``, else the mirror beside the work trees."""
    return Path(os.environ.get("NAB_ROOT", repo / ".." / ".mirror" / "numenta+NAB" / "repo"))


def development_files(root: Path) -> dict[str, str]:
    """``category/file.csv`` -> its text, for the four development categories only."""
    if (root / "data").is_dir():  # a checkout
        return {
            f"{category}/{path.name}": path.read_text()
            for category in CATEGORIES
            for path in sorted((root / "data" / category).glob("*.csv"))
        }
    listed = _git(
        root, "ls-tree", "-r", "--name-only", "HEAD", "--", *(f"data/{c}/" for c in CATEGORIES)
    )
    names = [line for line in listed.splitlines() if line.endswith(".csv")]
    return {name[len("data/") :]: _git(root, "show", f"HEAD:{name}") for name in names}


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", f"--git-dir={root}", *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def scaled(text: str, median: float = SCALED_MEDIAN) -> str:
    """The CSV with its values multiplied so that their median is ``median``, as the scorer
    feeds it: timestamps, row order, repeats and gaps untouched, values as ``%.6g``, a blank
    value left blank."""
    lines = text.splitlines()
    rows = [line.split(",", 1) for line in lines[1:] if line]
    values = [float(v) for _, v in rows if v.strip()]
    middle = statistics.median(values) or statistics.fmean(abs(v) for v in values)
    factor = median / middle if middle else 1.0
    out = ["timestamp,value"]
    out += [f"{stamp},{'%.6g' % (float(v) * factor) if v.strip() else ''}" for stamp, v in rows]
    return "\n".join(out) + "\n"


def replay_one(item: tuple[str, str]) -> tuple[str, str]:
    """One file's ``timestamp,value,firing,onset`` output, as ``genai-ops backtest`` prints it."""
    name, text = item
    series = read_series(io.StringIO(scaled(text)), name)
    out = io.StringIO()
    run_backtest(pick_rule("latency_spike", []), series.rows, out, None)
    return name, out.getvalue()


def replay_all(files: dict[str, str], outputs: Path) -> None:
    """Every file replayed (largest first, so the two workers finish together) into
    ``outputs/category/file.csv``."""
    ordered = sorted(files.items(), key=lambda item: -len(item[1]))
    with ProcessPoolExecutor(max_workers=WORKERS) as pool:
        for name, text in pool.map(replay_one, ordered):
            path = outputs / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
