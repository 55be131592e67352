"""SQLite state store: the embedded default, one file, safe across threads and processes."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.adapters.clock import Clock
from bot.adapters.store.base import Conflict, Record, StoreError, Write
from bot.adapters.store.sqlite_rows import SET_ASIDE, CorruptRow, decode, text_or_bytes

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL,
    version INTEGER NOT NULL,
    expires_at REAL,
    PRIMARY KEY (kind, key)
)
"""
COLUMNS = "SELECT kind, key, body, version, expires_at FROM documents LIMIT 0"
log = logging.getLogger(__name__)


def _check_shape(db: sqlite3.Connection) -> None:
    """Raise sqlite3.Error when the file is not a database or its table is not ours."""
    found = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='documents'"
    ).fetchone()
    if found:
        db.execute(COLUMNS)  # "no such column" when a table of that name is someone else's


def _prepare(db: sqlite3.Connection, deadline: float) -> None:
    """Switch the file to WAL and create the table, waiting while others hold the file.

    Changing the journal mode needs the file to itself and SQLite does not wait for that, so
    several processes (or threads) opening a new file at once retry here until ``deadline``.
    """
    while True:
        try:
            _check_shape(db)  # before anything is written to a file that is not ours
            db.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL waits for the disk only at checkpoints, not at every commit:
            # a write costs microseconds instead of an fsync (milliseconds), which the Slack
            # acks feel (the replay guard writes before each ack). Survives a crash of the
            # process; a power loss may lose the last commits (not corrupt the file).
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(SCHEMA)
            db.execute(SET_ASIDE)
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class SqliteStore:
    """A ``StateStore`` in one SQLite file; expiry is judged by ``clock``."""

    def __init__(self, path: str, clock: Clock, timeout: float = 30.0) -> None:
        self.path = Path(path).expanduser()
        self.clock = clock
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=timeout, check_same_thread=False, isolation_level=None
            )
            self._db.text_factory = text_or_bytes
            _prepare(self._db, time.monotonic() + timeout)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(
                f"state file {self.path} cannot be used ({exc}). If it is corrupt or not a "
                "genai-ops state file, move it aside (the bot starts afresh); if it is "
                "locked, stop the other genai-ops process; or point GENAI_OPS_STATE_URL "
                "elsewhere."
            ) from exc

    def get(self, kind: str, key: str) -> Record | None:
        rows = self._rows(
            "SELECT body, version FROM documents WHERE kind=? AND key=? "
            "AND (expires_at IS NULL OR expires_at > ?)",
            (kind, key, self._now()),
        )
        if not rows:
            return None
        body = self._body(kind, key, rows[0][0], rows[0][1])
        return Record(kind, key, body, rows[0][1]) if body is not None else None

    def put(
        self,
        kind: str,
        key: str,
        body: dict[str, Any],
        *,
        expected_version: int | None = None,
        expires_at: datetime | None = None,
    ) -> int:
        expiry = expires_at.timestamp() if expires_at else None
        return self._transaction([Write(kind, key, body, expected_version)], expiry)[0]

    def put_all(self, writes: list[Write]) -> list[int]:
        return self._transaction(writes, None)

    def _transaction(self, writes: list[Write], expiry: float | None) -> list[int]:
        texts = [json.dumps(w.body, separators=(",", ":"), default=str) for w in writes]
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                versions = [
                    self._write(w, text, expiry) for w, text in zip(writes, texts, strict=True)
                ]
                self._db.execute("COMMIT")
                return versions
            except sqlite3.DatabaseError as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise StoreError(
                    f"state file {self.path} could not be written ({exc}); if another "
                    "genai-ops process uses the same file, stop it or give each its own "
                    "GENAI_OPS_STATE_URL; if the file is damaged, move it aside"
                ) from exc
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def _write(self, write: Write, text: str, expiry: float | None) -> int:
        """One document inside the open transaction; raises Conflict."""
        kind, key = write.kind, write.key
        row = self._db.execute(
            "SELECT version, expires_at FROM documents WHERE kind=? AND key=?", (kind, key)
        ).fetchone()
        live = row is not None and (row[1] is None or row[1] > self._now())
        current = row[0] if live and row else 0
        if write.expected_version is not None and write.expected_version != current:
            raise Conflict(f"{kind}/{key} is at version {current}, not {write.expected_version}")
        self._db.execute(
            "INSERT OR REPLACE INTO documents (kind, key, body, version, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (kind, key, text, current + 1, expiry),
        )
        return current + 1

    def delete(self, kind: str, key: str, *, expected_version: int | None = None) -> None:
        sql = "DELETE FROM documents WHERE kind=? AND key=?"
        params: tuple[Any, ...] = (kind, key)
        if expected_version is not None:
            sql += " AND version=?"
            params += (expected_version,)
        with self._lock:
            cursor = self._db.execute(sql, params)
        if expected_version is not None and cursor.rowcount == 0:
            raise Conflict(f"{kind}/{key} is not at version {expected_version}")

    def scan(self, kind: str, prefix: str = "") -> list[Record]:
        rows = self._rows(
            "SELECT key, body, version FROM documents WHERE kind=? AND key >= ? AND key < ? "
            "AND (expires_at IS NULL OR expires_at > ?) ORDER BY key",
            (kind, prefix, prefix + "\U0010ffff", self._now()),
        )
        found = []
        for key, text, version in rows:
            body = self._body(kind, key, text, version)
            if body is not None:
                found.append(Record(kind, key, body, version))
        return found

    def _body(self, kind: str, key: str, text: object, version: int) -> dict[str, Any] | None:
        """The decoded body, or None after setting an unreadable row aside (and saying so)."""
        try:
            return decode(text)
        except CorruptRow as exc:
            self._set_aside(kind, key, text, version, str(exc))
            return None

    def _set_aside(self, kind: str, key: str, text: object, version: int, reason: str) -> None:
        """Move the row to ``set_aside`` so the rest of the state stays usable."""
        log.error(
            "state row set aside: it cannot be read",
            extra={"kind": kind, "key": key, "reason": reason, "file": str(self.path)},
        )
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute(
                    "INSERT INTO set_aside (kind, key, body, version, reason, at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (kind, key, text, version, reason, self._now()),
                )
                self._db.execute(
                    "DELETE FROM documents WHERE kind=? AND key=? AND version=?",
                    (kind, key, version),
                )
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                log.warning("could not set the row aside", extra={"reason": str(exc)})

    def unreadable(self) -> list[tuple[str, str, str]]:
        """(kind, key, why) of every row whose body cannot be read, without moving any."""
        rows = self._rows("SELECT kind, key, body FROM documents", ())
        problems = []
        for kind, key, text in rows:
            try:
                decode(text)
            except CorruptRow as exc:
                problems.append((kind, key, str(exc)))
        return problems

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _rows(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise StoreError(
                    f"state file {self.path} cannot be read ({exc}); if it is damaged or "
                    "not a genai-ops state file, move it aside (the bot starts afresh)"
                ) from exc
