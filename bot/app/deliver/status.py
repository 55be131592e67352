"""What ``check-config`` says about alert delivery: notices waiting, and ones Slack refused."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bot.adapters.store import StoreError, open_store
from bot.adapters.store.outbox import Outbox
from bot.app.ports import Clock
from bot.config.settings import Settings

HINTS = {
    "channel_not_found": "GENAI_OPS_ALERT_CHANNEL names no channel the bot can see; use the "
    "channel id (C...) and invite the bot",
    "not_in_channel": "invite the bot to the alert channel (/invite @genai-ops)",
    "is_archived": "the alert channel is archived; choose another GENAI_OPS_ALERT_CHANNEL",
    "missing_scope": "reinstall the app from `genai-ops manifest` to grant its scopes",
}


def delivery_lines(settings: Settings, clock: Clock) -> list[str]:
    """Lines for the report; empty when there is no state yet or nothing to say."""
    url = settings.state_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return []
    try:
        store = open_store(url, clock)
    except StoreError as exc:
        return [f"  warning: cannot read the state store to check alert delivery: {exc}\n"]
    try:
        outbox = Outbox(store)
        pending, dead = outbox.pending(), outbox.dead()
    except StoreError as exc:
        return [f"  warning: cannot read the outbox: {exc}\n"]
    finally:
        store.close()
    lines = []
    if pending:
        reason = next((e.last_error for e in pending if e.last_error), None)
        lines.append(
            f"  outbox: {len(pending)} alert notice(s) waiting for Slack"
            + (f" (last error: {reason})" if reason else "")
            + "\n"
        )
    for reason, count in sorted(Counter(e.last_error or "unknown" for e in dead).items()):
        hint = HINTS.get(reason, "see the log line of the refusal")
        lines.append(
            f"  problem: Slack refused {count} alert notice(s) in the last 7 days: "
            f"{reason}: {hint}\n"
        )
    return lines
