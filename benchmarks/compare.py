"""Do two ``make bench`` runs agree? ``python -m benchmarks.compare OLD.json NEW.json``.

Two figures with repeats agree when their noise ranges (min to max) overlap at the precision
the table states them (4.22 and 4.25 s shown as "4.2" agree with 4.2 to 4.3); figures with a
single sample or a text value agree when they are equal (counts, prices), and are listed as
"single" otherwise (no noise stated to judge by). Exit status 1 when any figure disagrees.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from benchmarks.figures import Figure
from benchmarks.results import load_results, load_warning


def figures(path: Path) -> dict[tuple[str, str], Figure]:
    return figures_of(load_results(path))


def figures_of(results: dict[str, Any]) -> dict[tuple[str, str], Figure]:
    return {
        (module["name"], data["name"]): Figure.from_json(data)
        for module in results["modules"]
        for data in module["figures"]
    }


def verdict(old: Figure, new: Figure) -> str:
    """``agree``, ``DIFFER`` or ``single`` (one sample each and not equal)."""
    if len(old.samples) > 1 and len(new.samples) > 1:
        digits = min(old.digits, new.digits)
        low_old, high_old = (round(min(old.samples), digits), round(max(old.samples), digits))
        low_new, high_new = (round(min(new.samples), digits), round(max(new.samples), digits))
        overlap = low_old <= high_new and low_new <= high_old
        return "agree" if overlap else "DIFFER"
    if old.shown() == new.shown():
        return "agree"
    return "single"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m benchmarks.compare OLD.json NEW.json", file=sys.stderr)
        return 2
    runs = [load_results(Path(arg)) for arg in argv]
    for arg, run in zip(argv, runs, strict=True):
        load = run["machine"]["load_1m"]
        print(f"{arg}: {run['date']}, commit {run['commit']}, load {load:.2f} at the start")
        if load_warning(load):
            print(f"  warning: {load_warning(load)}")
    old, new = figures_of(runs[0]), figures_of(runs[1])
    differ = single = 0
    for key in [k for k in old if k in new]:
        mark = verdict(old[key], new[key])
        differ += mark == "DIFFER"
        single += mark == "single"
        a, b = old[key], new[key]
        name = key[1][:60]
        print(f"{mark:<7} {name:<60} {a.shown():>14} [{a.noise()}]  {b.shown():>14} [{b.noise()}]")
    print(f"{differ} figure(s) outside each other's noise")
    if single:
        print(f"{single} figure(s) with one sample each and different values: no noise to judge by")
    if not differ:
        print("the two runs agree within their stated noise")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
