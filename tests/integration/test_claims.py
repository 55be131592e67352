"""Which process handles a Slack request, on the real SQLite store: decided from memory before
the ack in a long-running process (the store written after it), durably before it on Lambda."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.adapters.clock import FixedClock
from bot.adapters.store.sqlite import SqliteStore
from bot.entrypoints.slack.claims import REQUEST_KEEP, Claims, RecentKeys

SIGNED = {"x-slack-request-timestamp": ["1700000000"], "x-slack-signature": ["v0=ab12"]}


def store_at(path: Path, clock: FixedClock) -> SqliteStore:
    return SqliteStore(str(path), clock)


def test_a_long_running_process_acks_from_memory_and_claims_after(tmp_path: Path) -> None:
    clock = FixedClock(datetime(2031, 2, 3, 4, 5, tzinfo=UTC))
    one = Claims(store_at(tmp_path / "s.db", clock), clock, durable_before_ack=False)
    two = Claims(store_at(tmp_path / "s.db", clock), clock, durable_before_ack=False)

    assert one.request_before_ack("1700000000", "v0=ab12")
    assert not one.request_before_ack("1700000000", "v0=ab12")  # a replay to the same process
    assert two.request_before_ack("1700000000", "v0=ab12")  # the other cannot know yet
    assert one.after_ack(SIGNED, {"command": "/genai-ask"})  # the first durable claim wins
    assert not two.after_ack(SIGNED, {"command": "/genai-ask"})

    assert one.event_before_ack("Ev1") and not one.event_before_ack("Ev1")
    assert two.event_before_ack("Ev1")
    assert two.after_ack({}, {"event_id": "Ev1"}) and not one.after_ack({}, {"event_id": "Ev1"})
    assert one.after_ack({}, {"command": "/genai-stats"})  # unsigned (Socket Mode): runs


def test_on_lambda_the_claim_is_durable_before_the_ack(tmp_path: Path) -> None:
    clock = FixedClock(datetime(2031, 2, 3, 4, 5, tzinfo=UTC))
    first = Claims(store_at(tmp_path / "s.db", clock), clock)
    other = Claims(store_at(tmp_path / "s.db", clock), clock)  # another container
    assert first.request_before_ack("1700000000", "v0=ab12")
    assert not other.request_before_ack("1700000000", "v0=ab12")
    assert first.event_before_ack("Ev9") and not other.event_before_ack("Ev9")
    assert first.after_ack(SIGNED, {})  # nothing left to claim after the ack


def test_recent_keys_expire_and_stay_bounded() -> None:
    start = datetime(2031, 2, 3, 4, 5, tzinfo=UTC)
    recent = RecentKeys(REQUEST_KEEP, limit=3)
    assert recent.first_time("a", start) and not recent.first_time("a", start)
    later = start + REQUEST_KEEP + timedelta(seconds=1)
    assert recent.first_time("a", later)  # forgotten once its signature could not be used
    for key in "bcd":
        assert recent.first_time(key, later)
    assert recent.first_time("a", later)  # the oldest went to keep the limit
    assert not recent.first_time("d", later)
