from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from alarms.silences import Matcher, new_silence
from bot.adapters.clock import SystemClock
from bot.adapters.store import Conflict
from bot.adapters.store.silences import SilenceStore
from bot.adapters.store.sqlite import SqliteStore

# The store expires documents on the real clock, so the silences live around now.
T0 = datetime.now(UTC).replace(microsecond=0)
HOUR = timedelta(hours=1)


@pytest.fixture
def silences(tmp_path: Path) -> SilenceStore:
    return SilenceStore(SqliteStore(str(tmp_path / "state.db"), SystemClock()))


def test_add_list_expire_survive_a_reopen(silences: SilenceStore, tmp_path: Path) -> None:
    short = new_silence(Matcher(model="anthropic.*"), "U1", T0, duration=HOUR, id="s1")
    long = new_silence(Matcher(rule="latency_spike"), "U2", T0, duration=4 * HOUR, id="s2")
    silences.add(short)
    silences.add(long)
    assert [s.id for s in silences.active(T0)] == ["s1", "s2"]
    assert [s.id for s in silences.active(T0 + 2 * HOUR)] == ["s2"]

    ended = silences.expire("s2", T0 + 30 * timedelta(minutes=1))
    assert ended is not None and ended.expires_at == T0 + timedelta(minutes=30)
    reopened = SilenceStore(SqliteStore(str(tmp_path / "state.db"), SystemClock()))
    assert [s.id for s in reopened.active(T0 + timedelta(minutes=31))] == ["s1"]
    assert {s.id for s in reopened.all()} == {"s1", "s2"}  # ended ones stay listable
    assert reopened.get("s1") == short


def test_an_id_is_used_once(silences: SilenceStore) -> None:
    silence = new_silence(Matcher(model="m"), "U1", T0, duration=HOUR, id="dup")
    silences.add(silence)
    with pytest.raises(Conflict):
        silences.add(silence)


def test_expiring_an_unknown_silence_returns_none(silences: SilenceStore) -> None:
    assert silences.expire("nope", T0) is None
