"""Loading settings with errors a person can act on: file, key, what is wrong, what is allowed."""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import SettingsError as SourceError

from bot.config.flat import ALIASES, ENV_PREFIX, FLAT, NESTED, env_names
from bot.config.settings import Settings, config_path, reading

SECTIONS = {name for name, _ in FLAT.values()}


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class SettingsError(Exception):
    """Settings cannot be used; ``problems`` lists every one found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        lines = [f"genai-ops: {len(self.problems)} problem(s) in the settings:"]
        lines += [f"  - {problem}" for problem in self.problems]
        lines.append("Fix these and run `genai-ops check-config` again.")
        return "\n".join(lines)


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML file's data; a missing, unreadable or invalid file is a SettingsError."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError([Problem(str(path), "config file not found")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError([Problem(str(path), f"not valid TOML: {exc}")]) from None
    except UnicodeDecodeError as exc:
        raise SettingsError(
            [Problem(str(path), f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]
        ) from None
    except OSError as exc:
        raise SettingsError([Problem(str(path), f"cannot read: {exc.strerror}")]) from None


def load_settings(config: str | None = None, **overrides: Any) -> Settings:
    """Build settings from env, the TOML file and ``overrides`` (flat or nested names)."""
    path = config_path(config)
    data = read_toml(path) if path else {}
    token = reading.set(path)
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(_problems(exc, path, data)) from None
    except SourceError as exc:
        raise SettingsError([_source_problem(exc)]) from None
    finally:
        reading.reset(token)


def _source_problem(exc: SourceError) -> Problem:
    """An environment value pydantic-settings could not even parse (JSON for nested settings)."""
    text = str(exc)
    named = re.search(r"from ([A-Z][A-Z0-9_]+)", text)
    if named:
        where = f"environment {named.group(1)}"
    else:
        field = re.search(r'field "([^"]+)"', text)
        where = f"environment {ENV_PREFIX}{field.group(1).upper()}" if field else "environment"
    return Problem(where, 'must be JSON for a map or list, e.g. {"sonnet": "anthropic.claude-..."}')


def _problems(exc: ValidationError, path: Path | None, data: dict[str, Any]) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = [str(part) for part in error["loc"]]
        where = _where(loc, path, data)
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown setting (check the spelling against docs/configuration.md)"
        elif error["type"] != "missing" and not isinstance(error.get("input"), dict | list):
            message += f" (got {_shown(loc, error.get('input'))})"
            message += _percent_hint(loc, error.get("input"))
        problems.append(Problem(where, message))
    return problems


def _where(loc: list[str], path: Path | None, data: dict[str, Any]) -> str:
    """Where a bad value came from: the environment variable or the file key that set it."""
    flat = NESTED.get((loc[0], loc[1])) if len(loc) > 1 else None
    rest = ".".join(loc[2:] if flat else loc[1:])
    suffix = f" ({rest})" if rest else ""
    candidates = env_names(flat) if flat else []
    candidates.append(f"{ENV_PREFIX}{'__'.join(loc[:2] if flat else loc[:1]).upper()}")
    for name in candidates:
        if name in os.environ:
            return f"environment {name}{suffix}"
    if path is not None:
        if flat and flat in data:
            return f"{path} key {'.'.join([flat, *loc[2:]])}"
        if loc[0] in data:
            return f"{path} key {'.'.join(loc)}"
    return f"setting {'.'.join(loc)}"


SHARES = {"max_rate", "hard_max_rate", "min_rate", "max_negative_share", "absolute_margin"}


def _percent_hint(loc: list[str], value: object) -> str:
    """A share written as a percentage (5 for 5%) gets the fix spelled out."""
    if loc and loc[-1] in SHARES and isinstance(value, int | float) and 1 < value <= 100:
        return f"; this is a share from 0 to 1: write {value / 100:g} for {value:g}%"
    return ""


def _shown(loc: list[str], value: object) -> str:
    if any("token" in part or "secret" in part for part in loc):
        return "a value that is hidden"
    return repr(value)


def unknown_env_vars() -> list[tuple[str, str | None]]:
    """GENAI_OPS_* variables that match no setting (usually a typo), each with the setting's
    variable it is closest to."""
    known = {f"{ENV_PREFIX}{name.upper()}" for name in Settings.model_fields}
    known |= {f"{ENV_PREFIX}CONFIG"}
    known |= {name for flat in FLAT for name in env_names(flat)}
    names = sorted(known)
    return [
        (name, next(iter(difflib.get_close_matches(name, names, n=1, cutoff=0.8)), None))
        for name in sorted(os.environ)
        if name.startswith(ENV_PREFIX) and name not in known and name.split("__")[0] not in known
    ]


def unknown_slack_vars() -> list[tuple[str, str | None]]:
    """SLACK_* variables genai-ops does not read, each with the known name it is closest to."""
    known = [name for flat in FLAT for name in ALIASES.get(flat, ())]
    return [
        (name, next(iter(difflib.get_close_matches(name, known, n=1, cutoff=0.8)), None))
        for name in sorted(os.environ)
        if name.startswith("SLACK_") and name not in known
    ]
