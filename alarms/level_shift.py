"""How a breach holds (hysteresis) and when a lasting rise becomes the new normal."""

from __future__ import annotations

from datetime import UTC, datetime

from alarms.baseline import median_and_mad
from alarms.baseline_state import BaselineSettings, BaselineState, kept

NOTE_HOURS = 24  # how long verdicts mention an accepted level shift


def hold(
    s: BaselineSettings, st: BaselineState, crossed: bool, above_lower: bool, severe: bool = False
) -> bool:
    """Breach beyond the threshold; once ``breach_periods`` of the last ``eval_periods``
    did (or one severe breach), keep breaching beyond the lower threshold until
    ``calm_to_reset`` periods are not."""
    st.crossed = (
        [*st.crossed[-(s.eval_periods - 1) :], crossed] if s.eval_periods > 1 else [crossed]
    )
    if sum(st.crossed) >= s.breach_periods or (crossed and severe):
        st.holding = True
    if not st.holding:
        return crossed
    st.hold_calm = 0 if above_lower else st.hold_calm + 1
    if st.hold_calm >= s.calm_to_reset:
        st.holding, st.crossed, st.hold_calm = False, [], 0
    return crossed or above_lower


def track_shift(
    s: BaselineSettings,
    st: BaselineState,
    value: float,
    epoch: float,
    *,
    elevated: bool,
    usual: float,
) -> bool:
    """Follow a run of breaches; True when it has lasted long enough to be accepted."""
    if not elevated:
        st.calm_run += 1
        if st.calm_run >= s.calm_to_reset:
            st.shift_since, st.shift_values = None, []
        return False
    st.calm_run = 0
    st.shift_since = epoch if st.shift_since is None else st.shift_since
    st.shift_values = [*st.shift_values[-(s.baseline_periods - 1) :], value]
    if s.accept_after_minutes is None or epoch - st.shift_since < s.accept_after_minutes * 60:
        return False
    level = median_and_mad(st.shift_values[-max(s.min_periods, len(st.shift_values) // 2) :])[0]
    delta = level - usual
    st.recent = [kept(v + delta) for v in st.recent]
    st.hours = {h: kept(v + delta) for h, v in st.hours.items()}
    st.open_values = [kept(v + delta) for v in st.open_values]
    st.accepted_at, st.accepted_from, st.accepted_to = epoch, usual, level
    st.shift_since, st.shift_values = None, []
    st.holding, st.crossed, st.hold_calm = False, [], 0
    return True


def note(s: BaselineSettings, st: BaselineState, epoch: float) -> str:
    """What verdicts say for a day after a level shift was accepted ("" otherwise)."""
    if st.accepted_at is None or epoch - st.accepted_at > NOTE_HOURS * 3600:
        return ""
    when = datetime.fromtimestamp(st.accepted_at, UTC)
    return (
        f"level shift accepted as the new normal at {when:%Y-%m-%d %H:%M} UTC after "
        f"{s.accept_after_minutes} min above usual "
        f"({st.accepted_from:{s.value_format}} -> {st.accepted_to:{s.value_format}})"
    )
