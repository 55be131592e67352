"""The lines a period is judged against: above usual (a spike), below it (a drop), and the
lower lines a breach holds on (hysteresis)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from alarms.baseline_state import BaselineSettings, BaselineState
from alarms.profile import Shape


@dataclass(frozen=True, slots=True)
class Bounds:
    """Where a period breaches, holds a breach, or is severe, around one usual value."""

    threshold: float  # above: a spike
    lower: float  # above: a spike still holding
    severe_line: float  # above: one period is enough to fire
    drop_line: float  # below: a drop (-inf when drops are not judged)
    drop_lower: float  # below: a drop still holding

    def crossed(self, value: float) -> bool:
        """Beyond the threshold, above or below."""
        return value > self.threshold or value < self.drop_line

    def beyond_lower(self, value: float) -> bool:
        """Beyond the hysteresis lines, above or below."""
        return value > self.lower or value < self.drop_lower

    def severe(self, value: float) -> bool:
        """So far above usual that this period fires on its own."""
        return value > self.severe_line


def bounds(
    s: BaselineSettings, st: BaselineState, shape: Shape, usual: float, widen: float
) -> Bounds:
    """The lines around ``usual``: the margin is the largest of the relative, absolute,
    robust-spread and tail margins, each spread widened by ``widen`` for thin traffic."""
    spread = st.spreads.get(shape, 0.0) * widen
    tail = st.tails.get(shape, 0.0) * widen
    margin = max(s.relative * abs(usual), s.absolute, s.mad_multiplier * spread, tail)
    threshold = max(s.floor, usual + margin)
    lower = max(s.floor, usual + s.hysteresis * margin)
    severe = math.inf if s.spike_margins is None else usual + s.spike_margins * margin
    if s.ceiling is not None:
        threshold, lower = min(threshold, s.ceiling), min(lower, s.ceiling)
        severe = min(severe, s.ceiling) if s.ceiling_at_once else severe
    drop_line = drop_lower = -math.inf
    if s.drop is not None:
        floor = st.floors.get(shape, 0.0) * widen
        down = max(s.drop * abs(usual), s.mad_multiplier * spread, floor)
        drop_line, drop_lower = usual - down, usual - s.hysteresis * down
    return Bounds(threshold, lower, severe, drop_line, drop_lower)
