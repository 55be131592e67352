"""Robust statistics for baselines: median and median absolute deviation."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

# Scales MAD to the standard deviation of a normal distribution.
MAD_TO_SIGMA = 1.4826


def median_and_mad(values: Sequence[float]) -> tuple[float, float]:
    """Median and scaled MAD of ``values`` (which must not be empty)."""
    centre = median(values)
    spread = median(abs(value - centre) for value in values)
    return centre, spread * MAD_TO_SIGMA
