"""A compact text trend: a list of values drawn as a sparkline of block characters."""

from __future__ import annotations

BARS = "▁▂▃▄▅▆▇█"
MAX_POINTS = 24


def sparkline(values: str | list[float]) -> str:
    """``"1,2,8"`` (oldest first) -> ``"▁▂█"``; empty when there is nothing to draw.

    Values that are not numbers (a gap) show as a space.
    """
    if isinstance(values, str):
        points: list[float | None] = [_number(part) for part in values.split(",") if part.strip()]
    else:
        points = list(values)
    points = points[-MAX_POINTS:]
    known = [p for p in points if p is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low
    out = []
    for point in points:
        if point is None:
            out.append(" ")
        elif span == 0:
            out.append(BARS[len(BARS) // 2 - 1])
        else:
            out.append(BARS[round((point - low) / span * (len(BARS) - 1))])
    return "".join(out)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
