"""One measured figure and its noise: what a benchmark module hands the harness.

A module's ``run()`` returns a list of figures. New modules return :class:`Figure` with every
repeat's value in ``samples`` (the harness reports min, median and max, so two runs can be
compared within their noise). Older modules return ``(name, value, unit)`` text tuples; the
harness wraps each with :func:`from_row`, keeping the text as shown and its leading number,
when there is one, as a single sample.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

NUMBER = re.compile(r"^\s*(-?[\d,]*\.?\d+)")


@dataclass(frozen=True)
class Figure:
    """A named figure: the samples of its repeats, or a text value (counts, prices, ratios
    of several parts) that has no noise to report."""

    name: str
    unit: str
    samples: tuple[float, ...] = ()
    digits: int = 0  # decimals shown
    text: str | None = None  # shown instead of the median when set
    repeats_of: str = field(default="", compare=False)  # e.g. "5 runs", "200 requests"

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def low(self) -> float | None:
        return min(self.samples) if self.samples else None

    @property
    def high(self) -> float | None:
        return max(self.samples) if self.samples else None

    def shown(self) -> str:
        """The value as the table shows it: the text, else the median."""
        if self.text is not None:
            return self.text
        return number(self.median, self.digits)

    def noise(self) -> str:
        """``min / max (n)`` when there are repeats; empty otherwise."""
        if len(self.samples) < 2:
            return ""
        spread = f"{number(self.low, self.digits)} / {number(self.high, self.digits)}"
        return f"{spread} ({self.repeats_of or f'{len(self.samples)} runs'})"

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "samples": [round(s, 6) for s in self.samples],
            "digits": self.digits,
            "text": self.text,
            "repeats_of": self.repeats_of,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figure:
        return cls(
            name=str(data["name"]),
            unit=str(data["unit"]),
            samples=tuple(float(s) for s in data.get("samples") or ()),
            digits=int(data.get("digits") or 0),
            text=data.get("text"),
            repeats_of=str(data.get("repeats_of") or ""),
        )


def measured(
    name: str, samples: Iterable[float], unit: str, digits: int = 0, repeats_of: str = ""
) -> Figure:
    """A figure from the values of its repeats."""
    return Figure(name, unit, tuple(float(s) for s in samples), digits, None, repeats_of)


def fixed(name: str, text: str, unit: str) -> Figure:
    """A figure that does not vary between runs (a count, a price): shown as given."""
    return Figure(name, unit, (), 0, text)


def from_row(row: Sequence[Any]) -> Figure:
    """Wrap an old ``(name, value, unit)`` tuple: the text is kept as shown."""
    name, value, unit = (str(part) for part in row)
    match = NUMBER.match(value)
    samples = (float(match.group(1).replace(",", "")),) if match else ()
    return Figure(name, unit, samples, 0, value)


def as_figure(item: Figure | Sequence[Any]) -> Figure:
    return item if isinstance(item, Figure) else from_row(item)


def number(value: float | None, digits: int) -> str:
    if value is None:
        return ""
    return f"{value:,.{digits}f}"


def percentile(samples: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``samples``."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), int(-(-share * len(ordered) // 1))))
    return ordered[rank - 1]
