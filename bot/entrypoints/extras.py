"""Optional parts of the install (extras), and the error that names the one missing."""

from __future__ import annotations

import importlib.util


class MissingExtra(Exception):
    """A command needs an optional package that is not installed; the message says how."""


def require(module: str, extra: str, purpose: str) -> None:
    """Raise MissingExtra unless ``module`` can be imported."""
    if importlib.util.find_spec(module) is None:
        raise MissingExtra(
            f"{purpose} needs {module}, which is not installed: "
            f"pip install 'genai-ops-bot[{extra}]'"
        )
