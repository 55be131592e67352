"""`genai-ops check-config`: what works with these settings, and what would need more."""

from __future__ import annotations

from typing import TextIO

from bot.config import unknown_env_vars
from bot.poll_report import monthly_cost_usd
from bot.settings import Settings


def check_config(settings: Settings, out: TextIO) -> int:
    say = out.write
    say("Settings are valid.\n")
    has_bot = bool(settings.secret("slack_bot_token"))
    notes = [
        (
            "Slack alerts",
            has_bot and bool(settings.alert_channel),
            "set SLACK_BOT_TOKEN and GENAI_OPS_ALERT_CHANNEL; until then alerts print to stdout",
        ),
        (
            "Socket Mode (genai-ops run)",
            bool(settings.secret("slack_app_token")),
            "set SLACK_APP_TOKEN (xapp-...); HTTP mode (genai-ops serve) does not need it",
        ),
        (
            "HTTP mode (genai-ops serve)",
            bool(settings.secret("slack_signing_secret")),
            "set SLACK_SIGNING_SECRET",
        ),
    ]
    for name, enabled, hint in notes:
        say(f"  [{'on ' if enabled else 'off'}] {name}" + ("" if enabled else f": {hint}") + "\n")
    say(f"  state: {settings.state_url}\n")
    rules = ", ".join(rule.kind for rule in settings.active_rules) or "none"
    say(f"  rules in force: {rules}\n")
    say(
        f"  latency statistic: {settings.latency_statistic}; period "
        f"{settings.metric_period_seconds}s; poll every {settings.poll_interval_seconds}s\n"
    )
    per_model = 2
    for models in (10, 100):
        cost = monthly_cost_usd(models * per_model, settings.poll_interval_seconds)
        say(f"  polling cost for {models} models: about ${cost:,.2f}/month (GetMetricData)\n")
    from bot.slack.delivery_status import delivery_lines  # alert delivery (issue 5)

    for line in delivery_lines(settings):
        say(line)
    for name in unknown_env_vars():
        say(f"  warning: environment variable {name} matches no setting (typo?)\n")
    return 0
