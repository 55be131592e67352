"""The settings of ``genai-ops serve``: how much one client may hold, and how shutdown drains.

Slack's requests are small (a few KB) and quick, so the limits are tight by default: a body
above ``max_body_bytes`` is refused with 413 before it is read, a connection idle for
``idle_timeout_seconds`` is closed, and at most ``connection_limit`` connections are open at
once. On SIGTERM the server stops accepting and waits up to ``drain_seconds`` for the work in
flight (asks waiting on Bedrock) before it exits.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ServeSettings(BaseModel):
    """``[serve]``: limits of the HTTP server and its shutdown."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_body_bytes: int = Field(
        default=1_048_576,
        ge=16_384,
        le=64 * 1_048_576,
        description="Largest request body read; larger ones get 413 unread.",
    )
    connection_limit: int = Field(
        default=1000, ge=10, le=10_000, description="Open connections at most."
    )
    idle_timeout_seconds: int = Field(
        default=15, ge=1, le=600, description="An idle connection is closed after this."
    )
    threads: int = Field(default=8, ge=1, le=256, description="Requests handled at once.")
    drain_seconds: int = Field(
        default=25, ge=0, le=900, description="On SIGTERM: wait this long for work in flight."
    )
