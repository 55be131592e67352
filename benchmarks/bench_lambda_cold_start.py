"""Lambda cold start: how long each entrypoint takes to import and build its object graph.

Each figure comes from fresh interpreters (as new containers): min, median and max of
three. Building the graph makes boto3 clients but calls no AWS API, so no network is needed.
"""

from __future__ import annotations

import os
import subprocess
import sys

from benchmarks.figures import Figure, measured

REPEATS = 3

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


def _measure(build: str) -> tuple[list[float], list[float]]:
    """The import and the build times (ms) of each of three fresh interpreters."""
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "x"}
    env["AWS_SECRET_ACCESS_KEY"] = "x"
    imports: list[float] = []
    builds: list[float] = []
    for _ in range(REPEATS):
        out = subprocess.run(
            [sys.executable, "-c", PROBE.format(build=build)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout.split()
        imports.append(float(out[0]))
        builds.append(float(out[1]))
    return imports, builds


def run() -> list[Figure]:
    rows = []
    for name, build in BUILDS.items():
        imported, built = _measure(build)
        rows.append(measured(f"lambda cold start {name}: import entrypoint", imported, "ms"))
        rows.append(measured(f"lambda cold start {name}: build graph", built, "ms"))
    return rows
