"""Who may use which command: the setting's shape and the pure decision.

``command_access`` maps a command (``genai-stats``, ``genai-alerts``, ``genai-ask``,
``genai-help``) or ``alert-buttons`` to the channels it may be used in and the users or user
groups who may use it. An empty list allows everyone (or every channel).
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

GUARDED = ("genai-stats", "genai-alerts", "genai-ask", "genai-help", "alert-buttons")


class CommandAccess(BaseModel):
    """Where and by whom one command (or the alert buttons) may be used."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    channels: tuple[str, ...] = Field(default=(), description="Channel ids; empty: any.")
    users: tuple[str, ...] = Field(default=(), description="User ids (U...).")
    usergroups: tuple[str, ...] = Field(default=(), description="User group ids (S...).")

    @property
    def limits_people(self) -> bool:
        return bool(self.users or self.usergroups)


def command_key(name: str) -> str:
    """``/genai-stats`` -> ``genai-stats``."""
    return name.strip().lstrip("/").lower()


def refusal(
    access: CommandAccess | None,
    user: str,
    channel: str,
    groups_of: Callable[[str], set[str]],
) -> str | None:
    """Why ``user`` may not use it in ``channel``, or None when allowed.

    ``groups_of(group_id)`` returns the members of a user group (asked only when needed).
    """
    if access is None:
        return None
    if access.channels and channel not in access.channels:
        places = ", ".join(f"<#{c}>" for c in access.channels)
        return f"this can only be used in {places}"
    if not access.limits_people or user in access.users:
        return None
    if any(user in groups_of(group) for group in access.usergroups):
        return None
    return "you are not on the list of people allowed to use this (ask your workspace admins)"
