"""Footprint: idle memory of the long-running bot and the Lambda entrypoints' import time.

Idle RSS is read from /proc after start-up settles: `genai-ops serve` with its in-process
poll scheduler against moto, and `genai-ops run` (Socket Mode) against the fake Slack. Import
time is the median wall time of a fresh interpreter importing `bot.entrypoints.lambda_handlers` and
building nothing (what a cold start pays before the first event), minus a bare interpreter.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.figures import Figure, measured
from bot.entrypoints.demo.embedded_aws import embedded_aws
from tests.support.bot_server import eventually, genai_ops_exe, running_bot
from tests.support.fake_slack import FakeSlack, serve_fake_slack
from tests.support.signing import SIGNING_SECRET

SETTLE_SECONDS = 10


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def open_files(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def serve_rss(tmp: str, slack: FakeSlack) -> tuple[float, int]:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "GENAI_OPS_SLACK_API_URL": slack.url,
        "GENAI_OPS_ALERT_CHANNEL": "C0ALERTS",
        "GENAI_OPS_STATE_URL": f"sqlite:///{tmp}/s.db",
        "GENAI_OPS_LATENCY_STATISTIC": "Average",
        "GENAI_OPS_LOG_LEVEL": "WARNING",
    }
    with running_bot(Path(tmp), slack, env=env) as server:
        time.sleep(SETTLE_SECONDS)
        return rss_mib(server.process.pid), open_files(server.process.pid)


def run_rss(tmp: str, slack: FakeSlack) -> float:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_APP_TOKEN": "xapp-1-bench",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "GENAI_OPS_SLACK_API_URL": slack.url,
        "GENAI_OPS_STATE_URL": f"sqlite:///{tmp}/r.db",
        "GENAI_OPS_LATENCY_STATISTIC": "Average",
    }
    log = Path(tmp) / "run.log"
    with log.open("wb") as out:
        process = subprocess.Popen([genai_ops_exe(), "run"], stdout=out, stderr=out, env=env)
    try:
        eventually(lambda: b"connected to Slack" in log.read_bytes(), timeout=60)
        time.sleep(SETTLE_SECONDS)
        return rss_mib(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=15)


def import_ms(module: str, repeats: int = 7) -> list[float]:
    """Each repeat's import time of ``module`` in ms, less a bare interpreter's median."""

    def timed(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return (time.perf_counter() - started) * 1000

    bare = statistics.median(timed("pass") for _ in range(repeats))
    return [timed(f"import {module}") - bare for _ in range(repeats)]


def run() -> list[tuple[str, str, str] | Figure]:
    with tempfile.TemporaryDirectory() as tmp, embedded_aws():
        for slack in serve_fake_slack():
            serve_mib, fds = serve_rss(tmp, slack)
            run_mib = run_rss(tmp, slack)
    lambda_ms = import_ms("bot.entrypoints.lambda_handlers")
    return [
        ("idle RSS: genai-ops serve (with poll scheduler)", f"{serve_mib:.0f}", "MiB"),
        ("open files: genai-ops serve, idle", f"{fds}", "fds"),
        ("idle RSS: genai-ops run (Socket Mode)", f"{run_mib:.0f}", "MiB"),
        measured(
            "import time: bot.entrypoints.lambda_handlers (cold start share)", lambda_ms, "ms"
        ),
    ]
