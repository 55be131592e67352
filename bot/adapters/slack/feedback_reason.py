"""Block Kit for "why the 👎?": the ephemeral choice of reasons and the "other" modal.

Each button carries ``reason|channel|ts`` (the answer it is about); the modal carries
``channel|ts`` in its private metadata. Nothing here is text from outside, except what the
user types, which Slack shows back to them only.
"""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.actions_ids import button

REASON_ACTION = "feedback_reason"
OTHER_VIEW = "feedback_reason_other"
TEXT_BLOCK, TEXT_ACTION = "reason_text", "reason_text_input"
LABELS = {
    "wrong": "Wrong",
    "incomplete": "Incomplete",
    "unsafe": "Unsafe",
    "slow": "Slow",
    "other": "Other…",
}


def reason_value(reason: str, channel: str, ts: str) -> str:
    return f"{reason}|{channel}|{ts}"


def parse_value(value: str) -> tuple[str, str, str] | None:
    """``(reason, channel, ts)`` from a button's value, or None when it is not one of ours."""
    parts = value.split("|")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 and all(parts) else None


def reason_choice(channel: str, ts: str) -> dict[str, Any]:
    """The ephemeral message: a question and one button per reason."""
    return {
        "text": "Thanks for the feedback. What was wrong with the answer?",
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "Thanks. *What was wrong with the answer?*"},
            },
            {
                "type": "actions",
                "block_id": "feedback_reasons",
                "elements": [
                    button(label, f"{REASON_ACTION}_{reason}", reason_value(reason, channel, ts))
                    for reason, label in LABELS.items()
                ],
            },
        ],
    }


def other_modal(channel: str, ts: str) -> dict[str, Any]:
    """The modal behind "Other…": one free-text field."""
    return {
        "type": "modal",
        "callback_id": OTHER_VIEW,
        "private_metadata": f"{channel}|{ts}",
        "title": {"type": "plain_text", "text": "What was wrong?"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": TEXT_BLOCK,
                "label": {"type": "plain_text", "text": "Tell us in a few words"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": TEXT_ACTION,
                    "multiline": True,
                    "max_length": 2000,
                },
            }
        ],
    }


def thanks(reason: str) -> str:
    return f"Thanks, noted as *{LABELS.get(reason, reason).rstrip('…')}*."
