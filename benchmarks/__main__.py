"""Run every benchmark module in this package and print a table of figures."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import benchmarks


def main() -> int:
    rows: list[tuple[str, str, str]] = []
    for module in pkgutil.iter_modules(benchmarks.__path__):
        if module.name.startswith("bench_"):
            bench = importlib.import_module(f"benchmarks.{module.name}")
            rows.extend(bench.run())
    width = max((len(name) for name, _, _ in rows), default=10)
    for name, value, unit in rows:
        print(f"{name:<{width}}  {value:>14}  {unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
