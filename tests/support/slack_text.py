"""What a person sees in a Slack message: the text of its blocks and attachments' blocks,
never the notification fallback, and the URLs of its buttons."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block


def all_blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    inner = [b for a in message.get("attachments") or [] for b in a.get("blocks", [])]
    return list(message.get("blocks") or []) + inner


def validate(message: dict[str, Any]) -> None:
    """Every block valid for slack_sdk's models, and Slack's limits kept."""
    assert len(message.get("blocks") or []) <= 50
    for attachment in message.get("attachments") or []:
        assert len(attachment["blocks"]) <= 50
    for block in all_blocks(message):
        Block.parse(block).validate_json()  # type: ignore[union-attr]


def visible(message: dict[str, Any]) -> str:
    """The words on screen: headers, sections, fields, contexts and button labels."""
    out: list[str] = []
    for block in all_blocks(message):
        if "text" in block:
            out.append(block["text"]["text"])
        out += [field["text"] for field in block.get("fields", [])]
        for element in block.get("elements", []):
            if "text" in element:
                text = element["text"]
                out.append(text["text"] if isinstance(text, dict) else text)
    return "\n".join(out)


def header(message: dict[str, Any]) -> str:
    return str(message["blocks"][0]["text"]["text"])


def urls(message: dict[str, Any]) -> dict[str, str]:
    """Button label -> URL."""
    return {
        element["text"]["text"]: element["url"]
        for block in all_blocks(message)
        for element in block.get("elements", [])
        if element.get("url")
    }


def action_ids(message: dict[str, Any]) -> list[str]:
    return [
        element["action_id"]
        for block in all_blocks(message)
        if block["type"] == "actions"
        for element in block["elements"]
    ]
