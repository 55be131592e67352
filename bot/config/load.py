"""Loading settings with errors a person can act on: file, key, what is wrong, what is allowed."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from pydantic_settings import SettingsError as SourceError

from bot.config.settings import ENV_PREFIX, Settings, config_path


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


class _TomlSource(PydanticBaseSettingsSource):
    def __init__(self, settings_cls: type[BaseSettings], data: dict[str, Any]) -> None:
        super().__init__(settings_cls)
        self._data = data

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._data)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError([Problem(str(path), "config file not found")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError([Problem(str(path), f"not valid TOML: {exc}")]) from None
    except OSError as exc:
        raise SettingsError([Problem(str(path), f"cannot read: {exc.strerror}")]) from None


def load_settings(config: str | None = None, **overrides: Any) -> Settings:
    """Build settings from env, the TOML file and ``overrides``; raise SettingsError."""
    path = config_path(config)
    data = read_toml(path) if path else {}

    class _Loaded(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (init_settings, env_settings, _TomlSource(settings_cls, data))

    try:
        loaded = _Loaded(**overrides)
    except ValidationError as exc:
        raise SettingsError(_problems(exc, path, data)) from None
    except SourceError as exc:
        raise SettingsError([_source_problem(exc)]) from None
    return loaded


def _source_problem(exc: SourceError) -> Problem:
    """An environment value pydantic-settings could not even parse (JSON for nested settings)."""
    match = re.search(r'field "([^"]+)"', str(exc))
    field = match.group(1) if match else ""
    names = env_names(field) if field in Settings.model_fields else []
    where = f"environment {names[0]}" if names else "environment"
    return Problem(
        where, 'must be JSON for a nested setting, e.g. {"sonnet": "anthropic.claude-..."}'
    )


def env_names(field: str) -> list[str]:
    info = Settings.model_fields[field]
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        return [name for name in alias.choices if isinstance(name, str) and name.isupper()]
    return [f"{ENV_PREFIX}{field.upper()}"]


def _problems(exc: ValidationError, path: Path | None, data: dict[str, Any]) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = [str(part) for part in error["loc"]]
        field = _field_for(loc[0]) if loc else ""
        where = _where(field, loc, path, data)
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown setting (check the spelling against the README)"
        elif error["type"] != "missing" and not isinstance(error.get("input"), dict | list):
            message += f" (got {_shown(field, error.get('input'))})"
        problems.append(Problem(where, message))
    return problems


def _field_for(name: str) -> str:
    for field, info in Settings.model_fields.items():
        alias = info.validation_alias
        names = alias.choices if isinstance(alias, AliasChoices) else []
        if name == field or name in names:
            return field
    return name


def _where(field: str, loc: list[str], path: Path | None, data: dict[str, Any]) -> str:
    set_env = (
        [name for name in env_names(field) if name in os.environ]
        if field in Settings.model_fields
        else []
    )
    nested = ".".join(loc[1:])
    if set_env:
        return f"environment {set_env[0]}" + (f" ({nested})" if nested else "")
    if path is not None and (loc[0] in data or field in data):
        key = ".".join(loc)
        return f"{path} key {key}"
    return f"setting {'.'.join(loc)}"


def _shown(field: str, value: object) -> str:
    if "token" in field or "secret" in field:
        return "a value that is hidden"
    return repr(value)


def unknown_env_vars() -> list[str]:
    """GENAI_OPS_* variables that match no setting: usually a typo."""
    known = {f"{ENV_PREFIX}{name.upper()}" for name in Settings.model_fields}
    known |= {f"{ENV_PREFIX}CONFIG"}
    return sorted(
        name
        for name in os.environ
        if name.startswith(ENV_PREFIX)
        and name not in known
        and name.split("__")[0] not in known
        and not any(name in env_names(f) for f in Settings.model_fields)
    )
