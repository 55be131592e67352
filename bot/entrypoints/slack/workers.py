"""The thread pools of the Slack app, and draining them on shutdown.

Bolt runs acks and lazy listeners on ``listeners``; asks waiting on Bedrock run on ``asks``
(so they never hold an ack back). On SIGTERM the runtime stops accepting requests, then
waits for both pools to empty, up to a deadline: an ask in flight finishes and posts its
answer instead of failing on a pool that the interpreter has already shut down. The
threads are daemons, so work still running at the deadline does not keep the process up.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any

# The work after acks (stats, votes, button changes). Acks never wait for these threads, but
# each busy one competes with the acks for the interpreter's lock: a few suffice, as the work
# mostly waits on the network; more of it waits its turn.
LISTENER_THREADS = 8
ASK_THREADS = 16  # asks talking to Bedrock at once per process; more wait their turn

Job = tuple["Future[Any]", Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class DrainablePool(Executor):
    """A fixed number of daemon threads; ``drain`` waits until every job submitted is done."""

    def __init__(self, size: int, name: str) -> None:
        self.size = size
        self.name = name
        self._jobs: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._pending = 0
        self._done = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        with self._done:
            self._pending += 1
            if len(self._threads) < min(self.size, self._pending):
                thread = threading.Thread(
                    target=self._work, name=f"{self.name}-{len(self._threads)}", daemon=True
                )
                self._threads.append(thread)
                thread.start()
        self._jobs.put((future, fn, args, kwargs))
        return future

    @property
    def pending(self) -> int:
        with self._done:
            return self._pending

    def drain(self, deadline: float) -> int:
        """Wait until no job is queued or running, or until ``deadline`` (a
        ``time.monotonic()`` value); the number of jobs still unfinished."""
        with self._done:
            while self._pending and (left := deadline - time.monotonic()) > 0:
                self._done.wait(left)
            return self._pending

    def _work(self) -> None:
        while True:
            future, fn, args, kwargs = self._jobs.get()
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args, **kwargs))
                except BaseException as exc:  # the caller sees it through the future
                    future.set_exception(exc)
            with self._done:
                self._pending -= 1
                self._done.notify_all()


@dataclass
class Workers:
    """The Slack app's pools (see ``bot.bootstrap.services``)."""

    listeners: DrainablePool = field(
        default_factory=lambda: DrainablePool(LISTENER_THREADS, "bolt-listener")
    )
    asks: DrainablePool = field(default_factory=lambda: DrainablePool(ASK_THREADS, "genai-ask"))

    def drain(self, seconds: float) -> int:
        """Let the work in flight finish, for at most ``seconds``; how much did not.

        Listeners first: a lazy listener may still hand an ask to the ask pool.
        """
        deadline = time.monotonic() + seconds
        return self.listeners.drain(deadline) + self.asks.drain(deadline)
