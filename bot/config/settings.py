"""Settings: the environment (``GENAI_OPS_*`` and Slack's own names) over a TOML file.

Precedence, highest first: explicit overrides, environment, the TOML file, defaults. Settings
are nested by domain (``settings.ask.max_tokens``); see ``bot.config.sections`` for each
domain and ``bot.config.flat`` for the flat names that keep working.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from alarms.rules import Rule, effective_rules
from alarms.severity import SeverityPolicy
from bot.config.flat import ENV_PREFIX, FLAT, FlatEnvironment, Nested
from bot.config.routing import RoutingSettings
from bot.config.sections import (
    AskSettings,
    AwsSettings,
    CostSettings,
    FeedbackSettings,
    PollingSettings,
    SlackSettings,
)
from bot.config.serving import ServeSettings

__all__ = ["ENV_PREFIX", "Settings", "config_path", "reading"]

# The TOML file of the settings being built (set by ``bot.config.load``).
reading: ContextVar[Path | None] = ContextVar("genai_ops_config_file", default=None)


def looks_like_model_id(text: str) -> bool:
    """A Bedrock model id, inference-profile id or ARN (``provider.name...`` or ``arn:``)."""
    import re

    return text.startswith("arn:") or bool(re.match(r"^[a-z0-9-]+\.[a-z0-9-]+[\w.:-]*$", text))


def default_state_url() -> str:
    return f"sqlite:///{Path(user_data_dir('genai-ops-bot')) / 'state.db'}"


class Settings(BaseSettings):
    """Everything the bot can be told; see docs/configuration.md."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    state_url: str = Field(
        default_factory=default_state_url,
        description="sqlite:///path/to/file.db or dynamodb://TABLE",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Least severe log level written to stderr."
    )
    log_format: Literal["auto", "text", "json"] = Field(
        default="auto",
        description="text (one readable line) on a terminal, JSON lines otherwise (auto); "
        "or always one of them.",
    )
    model_aliases: dict[str, str] = Field(
        default_factory=dict,
        description="Short name to model id, e.g. sonnet = anthropic.claude-3-5-sonnet-...",
    )
    rules: tuple[Rule, ...] = Field(
        default=(),
        description="Alert rules; each replaces the default rule of its kind (docs/rules.md).",
    )
    severity: SeverityPolicy = Field(
        default_factory=SeverityPolicy, description="When an alert becomes critical."
    )
    slack: SlackSettings = Field(default_factory=SlackSettings)
    aws: AwsSettings = Field(default_factory=AwsSettings)
    polling: PollingSettings = Field(default_factory=PollingSettings)
    cost: CostSettings = Field(default_factory=CostSettings)
    ask: AskSettings = Field(default_factory=AskSettings)
    feedback: FeedbackSettings = Field(default_factory=FeedbackSettings)
    serve: ServeSettings = Field(default_factory=ServeSettings)
    routing: RoutingSettings = Field(default_factory=RoutingSettings)

    @field_validator("state_url")
    @classmethod
    def _check_state_url(cls, value: str) -> str:
        import re

        if value.startswith("sqlite:///") and len(value) > len("sqlite:///"):
            return value
        if re.match(r"^dynamodb://[A-Za-z0-9_.-]{3,255}$", value):
            return value
        raise ValueError("must be sqlite:///path/to/state.db or dynamodb://TABLE_NAME")

    @field_validator("model_aliases")
    @classmethod
    def _check_aliases(cls, value: dict[str, str]) -> dict[str, str]:
        for alias, model in value.items():
            if looks_like_model_id(alias) and not looks_like_model_id(model):
                raise ValueError(
                    f"maps an alias to a model id, but {alias!r} = {model!r} looks reversed; "
                    f"write {model!r} = {alias!r}"
                )
        return value

    @property
    def active_rules(self) -> tuple[Rule, ...]:
        return effective_rules(self.rules)

    def secret(self, name: str) -> str | None:
        """A secret by its flat name (``slack_bot_token``), or None when unset."""
        section, field = FLAT[name]
        value = getattr(getattr(self, section), field)
        return value.get_secret_value() if isinstance(value, SecretStr) else None

    def with_flat(self, **changes: object) -> Settings:
        """A copy with settings changed by their flat names (``latency_statistic=...``)."""
        data = self.model_dump()
        for flat, value in changes.items():
            if flat in FLAT:
                section, field = FLAT[flat]
                data[section][field] = value
            else:
                data[flat] = value
        for name in ("bot_token", "app_token", "signing_secret"):
            data["slack"][name] = getattr(self.slack, name)
        return Settings.model_validate(data)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [
            Nested(settings_cls, init_settings),
            env_settings,
            FlatEnvironment(settings_cls),
        ]
        path = reading.get()
        if path is not None:
            sources.append(Nested(settings_cls, TomlConfigSettingsSource(settings_cls, path)))
        return tuple(sources)


def config_path(explicit: str | None) -> Path | None:
    """The TOML file in force: ``--config`` first, then ``GENAI_OPS_CONFIG``."""
    chosen = explicit or os.environ.get("GENAI_OPS_CONFIG")
    return Path(chosen) if chosen else None
