"""The pools that run the work after Slack acks: bounded, drained, and lock turns kept short."""

from __future__ import annotations

import sys
import threading
import time

from bot.entrypoints.runtime import ACK_SWITCH_SECONDS, favour_acks
from bot.entrypoints.slack.workers import LISTENER_THREADS, Workers


def test_a_burst_of_work_runs_a_few_jobs_at_a_time_and_all_of_it_finishes() -> None:
    pools = Workers()
    release = threading.Event()
    running = {"now": 0, "most": 0, "done": 0}
    lock = threading.Lock()

    def job() -> None:
        with lock:
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])
        release.wait(30)
        with lock:
            running["now"] -= 1
            running["done"] += 1

    for _ in range(30):
        pools.listeners.submit(job)
    deadline = time.monotonic() + 30
    while running["now"] < LISTENER_THREADS and time.monotonic() < deadline:
        time.sleep(0.01)
    assert running["now"] == LISTENER_THREADS == 8  # the rest wait their turn, not the acks
    release.set()
    assert pools.drain(30) == 0
    assert running == {"now": 0, "most": 8, "done": 30}


def test_serving_gives_threads_short_turns_on_the_interpreter_lock() -> None:
    before = sys.getswitchinterval()
    try:
        favour_acks()
        assert sys.getswitchinterval() == ACK_SWITCH_SECONDS == 0.001
    finally:
        sys.setswitchinterval(before)
