"""`/genai-help` and the usage text every command shows on `help` or a bad argument."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.entrypoints.slack.commands import COMMANDS, CommandSpec
from bot.entrypoints.slack.services import Services


def usage_line(command: CommandSpec) -> str:
    hint = f" {command.usage_hint}" if command.usage_hint else ""
    return f"`{command.name}{hint}`: {command.description}"


def usage_text(problem: str | None = None, only: CommandSpec | None = None) -> str:
    """Usage as mrkdwn; ``problem`` (e.g. naming a bad word) goes first when given."""
    lines = [f":warning: {problem}"] if problem else []
    commands = (only,) if only else COMMANDS
    lines += [usage_line(command) for command in commands]
    if only and only.examples:
        lines.append("Examples: " + ", ".join(f"`{example}`" for example in only.examples))
    return "\n".join(lines)


def usage_blocks(problem: str | None = None, only: CommandSpec | None = None) -> list[Any]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": usage_text(problem, only)}}]


def register(app: App, services: Services) -> None:
    """Adds `/genai-help`: usage of every command, answered in the ack (ephemeral)."""

    @app.command("/genai-help")
    def genai_help(ack: Ack) -> None:
        ack(text=usage_text(), blocks=usage_blocks())
