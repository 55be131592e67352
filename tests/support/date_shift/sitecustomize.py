"""Moves this Python process's clock ``TEST_DATE_SHIFT_DAYS`` days ahead at start-up.

`make test-shifted` puts this folder on PYTHONPATH, so every process of the test run (pytest
and each `genai-ops` subprocess it starts) sees the same shifted date: proof that no test
depends on the day it was written. Monotonic time is left alone.
"""

from __future__ import annotations

import os

_days = os.environ.get("TEST_DATE_SHIFT_DAYS")
if _days:
    from datetime import UTC, datetime, timedelta

    import time_machine

    _travel = time_machine.travel(datetime.now(UTC) + timedelta(days=float(_days)), tick=True)
    _travel.start()
