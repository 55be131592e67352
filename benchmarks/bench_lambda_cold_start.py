"""Lambda cold start: how long each entrypoint takes to import and build its object graph.

Each figure comes from a fresh interpreter (as a new container), best of three. Building the
graph makes boto3 clients but calls no AWS API, so no network is needed.
"""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import time
started = time.perf_counter()
from bot.entrypoints import lambda_handlers
imported = time.perf_counter()
from bot import bootstrap
from bot.config.load import load_settings
settings = load_settings(None, state_url="dynamodb://bench-state")
{build}
built = time.perf_counter()
print((imported - started) * 1000, (built - imported) * 1000)
"""
BUILDS = {
    "poller": "bootstrap.poller(settings)",
    "usage": (
        "import bot.app.spend.ingest, bot.adapters.aws.log_subscription; bootstrap.pricer(settings)"
    ),
    "slack": (
        "from slack_bolt.adapter.aws_lambda import SlackRequestHandler; "
        "import bot.entrypoints.slack.app"
    ),
}


def _measure(build: str) -> tuple[float, float]:
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "x"}
    env["AWS_SECRET_ACCESS_KEY"] = "x"
    best = (float("inf"), float("inf"))
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", PROBE.format(build=build)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout.split()
        best = min(best, (float(out[0]), float(out[1])), key=sum)
    return best


def run() -> list[tuple[str, str, str]]:
    rows = []
    for name, build in BUILDS.items():
        imported, built = _measure(build)
        rows.append((f"lambda cold start {name}: import entrypoint", f"{imported:.0f}", "ms"))
        rows.append((f"lambda cold start {name}: build graph", f"{built:.0f}", "ms"))
    return rows
