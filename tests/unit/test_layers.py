"""The house in layers: who may import whom, and who may read the system clock.

entrypoints -> bootstrap -> app -> adapters and alarms; adapters never import app,
entrypoints or the bootstrap; app imports no boto3, Slack SDK or scheduler; only the clock
adapter reads the system time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import bot

ROOT = Path(bot.__file__).parent
SDKS = ("boto3", "botocore", "slack_sdk", "slack_bolt", "apscheduler", "matplotlib", "waitress")


def modules(under: str) -> list[Path]:
    return sorted((ROOT / under).rglob("*.py"))


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """Every module ``path`` imports, with its line (TYPE_CHECKING blocks included)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            if node.module in ("bot", "bot.entrypoints", "bot.app", "bot.adapters"):
                for alias in node.names:
                    yield node.lineno, f"{node.module}.{alias.name}"


def offences(under: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in modules(under):
        for line, name in imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT.parent)}:{line} imports {name}")
    return found


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("adapters", ("bot.app", "bot.entrypoints", "bot.bootstrap")),
        ("app", ("bot.entrypoints", "bot.bootstrap", *SDKS)),
        ("config", ("bot.app", "bot.adapters", "bot.entrypoints", "bot.bootstrap")),
    ],
)
def test_layers_import_only_downwards(layer: str, forbidden: tuple[str, ...]) -> None:
    assert offences(layer, forbidden) == []


def test_listeners_receive_services_and_never_import_the_bootstrap() -> None:
    assert offences("entrypoints/slack", ("bot.bootstrap",)) == []


def test_only_the_bootstrap_and_the_clock_adapter_build_a_clock_or_read_the_time() -> None:
    readers = []
    for path in ROOT.rglob("*.py"):
        if path == ROOT / "adapters" / "clock.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            owner_name = owner.id if isinstance(owner, ast.Name) else ""
            call = f"{owner_name}.{node.func.attr}"
            if call in ("datetime.now", "datetime.utcnow", "date.today", "time.time"):
                readers.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: {call}()")
        text = path.read_text()
        if "SystemClock(" in text and path != ROOT / "bootstrap.py":
            readers.append(f"{path.relative_to(ROOT.parent)}: builds a SystemClock")
    assert readers == []
