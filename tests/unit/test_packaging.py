"""Dependencies by need: the plain install is lean, the Lambda package has what it imports."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

ROOT = Path(__file__).parents[2]
OPTIONAL = {"moto", "flask", "matplotlib", "waitress", "aws-xray-sdk"}
# Imported when present, never needed: botocore falls back to its own CA bundle without
# certifi; _distutils_hack is setuptools' import hook in a development environment.
NOT_NEEDED = {"certifi", "_distutils_hack"}


def name_of(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_a_plain_install_pulls_no_demo_chart_or_server_packages() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    plain = {name_of(r) for r in project["dependencies"]}
    assert plain & OPTIONAL == set()
    extras = project["optional-dependencies"]
    assert {name_of(r) for r in extras["demo"]} == {"moto"}
    assert {name_of(r) for r in extras["charts"]} == {"matplotlib"}
    assert {name_of(r) for r in extras["http"]} == {"waitress"}


def test_the_cli_works_without_the_optional_packages() -> None:
    blocked = "; ".join(f"sys.modules[{m!r}] = None" for m in ("moto", "flask", "matplotlib"))
    script = (
        f"import sys; {blocked}; sys.modules['waitress'] = None\n"
        "from bot.entrypoints.cli.main import main\n"
        "sys.exit(main(['--help']))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "check-config" in done.stdout and "poll" in done.stdout


def closure(names: set[str]) -> set[str]:
    """``names`` and everything they require, transitively (installed distributions)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            wanted = requires(name) or []
        except PackageNotFoundError:
            continue
        todo += [name_of(r) for r in wanted if "extra ==" not in r]
    return seen


def test_the_lambda_package_lists_every_package_the_handlers_import() -> None:
    script = (
        "import json, sys\n"
        "import bot.entrypoints.lambda_handlers, bot.entrypoints.slack.app, bot.bootstrap\n"
        "import bot.entrypoints.aws_lambda.config, bot.entrypoints.aws_lambda.cost_metric\n"
        "import bot.app.spend.ingest, bot.adapters.aws.log_subscription\n"
        "import slack_bolt.adapter.aws_lambda, aws_xray_sdk.core\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATE_SHIFT_DAYS"}  # no test harness
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    modules = set(json.loads(done.stdout))
    owners = packages_distributions()
    needed = {
        name_of(dist)
        for module in modules - set(sys.stdlib_module_names) - {"bot", "alarms"} - NOT_NEEDED
        for dist in owners.get(module, [])
    }
    lines = (ROOT / "infra" / "lambda-requirements.txt").read_text().splitlines()
    listed = {name_of(line) for line in lines if line.strip() and not line.startswith(("#", " "))}
    assert needed - closure(listed) == set()
    assert not listed & {"moto", "matplotlib", "waitress", "flask"}
