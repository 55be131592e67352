"""Reading DynamoDB state items defensively, and where an unreadable one is set aside.

An item is unreadable when its ``body`` is not a string holding a JSON object, or its
``version`` is not a number (written by hand, by another tool, or cut short). Such an item is
moved, whole, under kind ``set_aside`` (key ``KIND|KEY|EPOCH``, with the reason and the time),
the way the SQLite store moves a corrupt row to its ``set_aside`` table.
"""

from __future__ import annotations

from typing import Any

from bot.adapters.store.base import Record
from bot.adapters.store.sqlite_rows import CorruptRow, decode

SET_ASIDE = "set_aside"


def record_of(item: dict[str, Any]) -> Record:
    """The document in one item; raises CorruptRow saying what is wrong (never the content)."""
    body = item.get("body")
    if not isinstance(body, dict) or not isinstance(body.get("S"), str):
        raise CorruptRow("body is missing or not a string")
    version = item.get("version")
    try:
        number = int(version["N"]) if isinstance(version, dict) else None
    except (KeyError, TypeError, ValueError):
        number = None
    if number is None:
        raise CorruptRow("version is missing or not a whole number")
    expiry = item.get("expires_at")
    if expiry is not None and not (isinstance(expiry, dict) and _number(expiry.get("N"))):
        raise CorruptRow("expires_at is not a number")
    return Record(item["kind"]["S"], item["key"]["S"], decode(body["S"]), number)


def _number(text: Any) -> bool:
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def aside_item(item: dict[str, Any], reason: str, now: float) -> dict[str, Any]:
    """The item that keeps an unreadable one, as it was, for whoever wants to look."""
    kind, key = item["kind"]["S"], item["key"]["S"]
    return {
        "kind": {"S": SET_ASIDE},
        "key": {"S": f"{kind}|{key}|{int(now)}"},
        "item": {"M": item},
        "reason": {"S": reason},
        "at": {"N": str(int(now))},
    }


def original_unchanged(item: dict[str, Any]) -> dict[str, Any]:
    """Condition arguments for deleting ``item`` only if nobody rewrote it meanwhile."""
    if "body" in item:
        return {
            "ConditionExpression": "#b = :b",
            "ExpressionAttributeNames": {"#b": "body"},
            "ExpressionAttributeValues": {":b": item["body"]},
        }
    return {
        "ConditionExpression": "attribute_not_exists(#b)",
        "ExpressionAttributeNames": {"#b": "body"},
    }
