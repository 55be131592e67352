"""Action ids and the interactive elements of alert messages (buttons, the snooze menu)."""

from __future__ import annotations

from typing import Any

ACK = "alert_ack"
SNOOZE = "alert_snooze"
SILENCE_MODEL = "alert_silence_model"
UNSILENCE = "alert_unsilence"
OPEN_LINK = "open_link"
SNOOZE_CHOICES = {"1h": 1, "4h": 4, "24h": 24}  # value -> hours


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": text},
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def link_button(text: str, url: str) -> dict[str, Any]:
    slug = "".join(c if c.isalnum() else "_" for c in text.lower())
    return {
        "type": "button",
        "action_id": f"{OPEN_LINK}:{slug}",
        "text": {"type": "plain_text", "text": text},
        "url": url,
    }


def snooze_select(fingerprint: str) -> dict[str, Any]:
    """The Snooze menu; each option's value is ``<fingerprints>|<duration>`` (fingerprints
    comma-separated)."""
    return {
        "type": "static_select",
        "action_id": SNOOZE,
        "placeholder": {"type": "plain_text", "text": "Snooze"},
        "options": [
            {
                "text": {"type": "plain_text", "text": f"{hours} hour{'s' if hours > 1 else ''}"},
                "value": f"{fingerprint}|{choice}",
            }
            for choice, hours in SNOOZE_CHOICES.items()
        ],
    }


def parse_snooze(value: str) -> tuple[str, int] | None:
    """``"<fingerprint>|4h"`` -> ``(fingerprint, 4)``; None when malformed."""
    fingerprint, _, choice = value.partition("|")
    hours = SNOOZE_CHOICES.get(choice)
    return (fingerprint, hours) if fingerprint and hours else None
