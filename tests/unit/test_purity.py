"""The pure core imports no AWS, Slack, scheduler or I/O library and reads no clock."""

from __future__ import annotations

import ast
from pathlib import Path

import alarms

FORBIDDEN = {
    "boto3",
    "botocore",
    "slack_sdk",
    "slack_bolt",
    "apscheduler",
    "requests",
    "urllib",
    "sqlite3",
    "socket",
    "os",
    "time",
    "subprocess",
    "bot",
}
CLOCK = {"now", "utcnow", "today", "time"}


def test_alarms_imports_nothing_impure() -> None:
    root = Path(alarms.__file__).parent
    offences = []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offences += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in CLOCK
            ):
                offences.append(f"{path.name}:{node.lineno}: .{node.func.attr}()")
            if isinstance(node, ast.Name) and node.id == "open":
                offences.append(f"{path.name}:{node.lineno}: open")
    assert offences == []
