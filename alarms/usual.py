"""What "usual" meant for the newest judged period, in words an alert can show."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from alarms.adaptive import BaselineState
from alarms.periods import PeriodVerdict, Verdict


def usual_details(judged: Sequence[PeriodVerdict], state: BaselineState) -> dict[str, str]:
    """``usual_for``: "usual for Monday 14:00" when a day-of-week or time-of-day profile
    set the baseline of the newest judged period, else "usual"; ``new_normal_since``: when a
    lasting level shift was accepted as the new normal (ISO 8601), while the baseline says so.
    """
    last = next((v for v in reversed(judged) if v.verdict is not Verdict.MISSING), None)
    if last is None or last.baseline is None:
        return {}
    label = last.usual if last.usual.startswith("usual for ") else "usual"
    out = {"usual_for": label}
    if last.note and state.accepted_at is not None:
        out["new_normal_since"] = datetime.fromtimestamp(state.accepted_at, UTC).isoformat()
    return out
