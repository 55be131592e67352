"""The state-store interface every backend implements.

State is a set of JSON documents addressed by ``(kind, key)``, each with a version number.
Writes can be conditional on the version (optimistic concurrency), which is what lets two
pollers or two Lambda invocations race without sending an alert twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


class StoreError(Exception):
    """The store cannot be used (corrupt file, missing table, permissions...)."""


class Conflict(StoreError):
    """A conditional write lost: the document changed (or exists) since it was read."""


@dataclass(frozen=True, slots=True)
class Record:
    kind: str
    key: str
    body: dict[str, Any]
    version: int


@dataclass(frozen=True, slots=True)
class Write:
    """One document of a multi-document write; ``expected_version`` as for ``put``."""

    kind: str
    key: str
    body: dict[str, Any]
    expected_version: int | None = None


class StateStore(Protocol):
    def get(self, kind: str, key: str) -> Record | None:
        """The document, or None when absent or expired."""

    def put(
        self,
        kind: str,
        key: str,
        body: dict[str, Any],
        *,
        expected_version: int | None = None,
        expires_at: datetime | None = None,
    ) -> int:
        """Write and return the new version.

        ``expected_version`` None writes unconditionally; 0 requires that the document does
        not exist yet; N requires that it is at version N. Otherwise raises Conflict.
        """

    def put_all(self, writes: list[Write]) -> list[int]:
        """Write every document or none (one transaction); the new versions, in order.

        Raises Conflict, writing nothing, when any one's ``expected_version`` does not hold.
        """

    def delete(self, kind: str, key: str, *, expected_version: int | None = None) -> None:
        """Remove the document (no error when absent, unless a version was expected)."""

    def scan(self, kind: str, prefix: str = "") -> list[Record]:
        """Every live document of ``kind`` whose key starts with ``prefix``, by key."""

    def close(self) -> None: ...


def put_first(
    store: StateStore, kind: str, key: str, body: dict[str, Any], expires_at: datetime
) -> bool:
    """Write a document that must not exist yet: True for the first writer (of any process
    sharing the store), False when it is already there."""
    try:
        store.put(kind, key, body, expected_version=0, expires_at=expires_at)
    except Conflict:
        return False
    return True
