"""Robust statistics for baselines: median and median absolute deviation."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from operator import sub

# Scales MAD to the standard deviation of a normal distribution.
MAD_TO_SIGMA = 1.4826


def median_and_mad(values: Sequence[float]) -> tuple[float, float]:
    """Median and scaled MAD of ``values`` (which must not be empty)."""
    return median_and_mad_sorted(sorted(values))


def median_and_mad_sorted(ranked: Sequence[float]) -> tuple[float, float]:
    """Median and scaled MAD of ``ranked``, already sorted ascending (not empty)."""
    centre = middle(ranked)
    deviations = sorted(map(abs, map(sub, ranked, repeat(centre))))
    return centre, middle(deviations) * MAD_TO_SIGMA


def middle(ranked: Sequence[float]) -> float:
    """The median of ``ranked``, already sorted ascending (not empty)."""
    half = len(ranked) // 2
    return float(ranked[half]) if len(ranked) % 2 else (ranked[half - 1] + ranked[half]) / 2
