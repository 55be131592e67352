"""The slash commands the app offers: one list that the manifest and the help text share."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str  # e.g. "/genai-stats"
    description: str  # one line, shown in Slack's command picker
    usage_hint: str  # arguments, shown in Slack's command picker
    examples: tuple[str, ...] = ()


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "/genai-stats",
        "Bedrock usage per model: calls, latency, errors, tokens, cost, alerts",
        "[1h|24h|7d|30d] [model or alias] [account=ID] [region=R] [by=account|region] [public]",
        (
            "/genai-stats",
            "/genai-stats 7d sonnet",
            "/genai-stats 1h public",
            "/genai-stats 24h region=us-west-2 by=account",
        ),
    ),
    CommandSpec(
        "/genai-alerts",
        "Active alerts and silences, with buttons to ack, snooze or silence",
        "[help]",
        ("/genai-alerts",),
    ),
    CommandSpec(
        "/genai-ask",
        "Ask a Bedrock model; react with :+1: or :-1: to rate the answer",
        "[model or alias] question",
        ("/genai-ask what is a guardrail?",),
    ),
    CommandSpec("/genai-help", "How to use genai-ops", "", ("/genai-help",)),
)


def spec(name: str) -> CommandSpec:
    """The spec of one command by name (with its leading slash)."""
    return next(command for command in COMMANDS if command.name == name)
