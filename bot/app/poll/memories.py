"""The series memories of one poll cycle: loaded once, written back per series."""

from __future__ import annotations

import logging
from datetime import datetime

from pydantic import ValidationError

from bot.adapters.store import Conflict, StoreError
from bot.adapters.store.detector_state import DetectorStateStore, StateTooLarge
from bot.app.poll.series_memory import SeriesMemory

log = logging.getLogger(__name__)


class Memories:
    """Every series memory in the store (none without a store: each poll warms up)."""

    def __init__(self, store: DetectorStateStore | None) -> None:
        self.store = store
        self.found: dict[str, tuple[SeriesMemory, int]] = {}
        if store is None:
            return
        try:
            loaded = store.load_all()
        except StoreError as exc:
            log.warning("detector state unreadable; warming up", extra={"reason": str(exc)})
            return
        for key, (body, version) in loaded.items():
            try:
                self.found[key] = (SeriesMemory.model_validate(body), version)
            except ValidationError as exc:
                log.warning(
                    "detector state not understood; the series warms up again",
                    extra={"key": key, "reason": f"{exc.error_count()} errors"},
                )

    def get(self, identity: str) -> SeriesMemory | None:
        found = self.found.get(identity)
        return None if found is None else found[0]

    def keep(self, identity: str, memory: SeriesMemory, now: datetime) -> None:
        """Write ``memory`` back unless unchanged; a failure only costs a longer read later."""
        if self.store is None:
            return
        old, version = self.found.get(identity, (None, 0))
        if memory == old:
            return
        try:
            self.store.save(identity, memory.model_dump(mode="json"), version, now)
        except StateTooLarge as exc:
            log.warning("detector state not kept", extra={"key": identity, "reason": str(exc)})
            self._forget(identity, version)
        except Conflict:
            log.info("detector state written by another poller", extra={"key": identity})
        except StoreError as exc:
            log.warning("detector state not saved", extra={"key": identity, "reason": str(exc)})

    def _forget(self, identity: str, version: int) -> None:
        if self.store is None or not version:
            return
        try:
            self.store.forget(identity, version)
        except StoreError as exc:
            log.warning("stale detector state left", extra={"reason": str(exc)})
