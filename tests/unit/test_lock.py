"""The lock files: every package pinned and hashed, nothing in pyproject.toml left out, and
both `make` and the Lambda build install from them with hashes required."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def pins(path: Path) -> dict[str, str]:
    """Package name to pinned version; asserts each requirement has a hash."""
    text = path.read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text)
    found: dict[str, str] = {}
    for entry in entries:
        head = entry.split("\n", 1)[0]
        if not head or head.startswith("#"):
            continue
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^ ;\\]+)", head)
        assert match, f"{path.name}: not pinned: {head}"
        assert "--hash=sha256:" in entry, f"{path.name}: no hash for {head}"
        found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def test_the_development_lock_covers_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += extra
    locked = pins(ROOT / "requirements.lock")
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in requirements.lock: run make lock"
        assert requirement.specifier.contains(locked[name], prereleases=True), (name, line)


def test_the_lambda_lock_covers_its_inputs() -> None:
    locked = pins(ROOT / "infra" / "lambda-requirements.txt")
    for line in (ROOT / "infra" / "lambda-requirements.in").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            assert canonicalize_name(requirement.name) in locked, line
    assert not set(locked) & {"moto", "matplotlib", "waitress", "flask", "pytest"}


def test_make_and_the_lambda_build_require_the_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements.lock" in makefile
    assert "--require-hashes --no-deps --target" in makefile
    assert "-r infra/lambda-requirements.txt" in makefile
