"""``/genai-alerts``: the active alerts and silences, ephemeral, answered in the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.adapters.slack.alerts_view import alerts_view
from bot.entrypoints.slack.commands import spec
from bot.entrypoints.slack.help import usage_blocks, usage_text
from bot.entrypoints.slack.services import Services

COMMAND = "/genai-alerts"


def register(app: App, services: Services) -> None:
    """Adds ``/genai-alerts`` (``help`` shows usage; any other word is named as unknown)."""
    from bot.adapters.store.silences import SilenceStore

    silences = SilenceStore(services.store)

    @app.command(COMMAND)
    def genai_alerts(ack: Ack, command: dict[str, Any]) -> None:
        words = str(command.get("text") or "").split()
        if words:
            problem = None if words[0].lower() == "help" else f"unknown argument `{words[0]}`"
            ack(
                text=usage_text(problem, spec(COMMAND)), blocks=usage_blocks(problem, spec(COMMAND))
            )
            return
        now = services.clock.now()
        text, blocks = alerts_view(
            services.alerts.active(), silences.active(now), services.style, now
        )
        ack(text=text, blocks=blocks)
