"""``make bench``: run every ``bench_*`` module, print the figures, write the results file.

``python -m benchmarks`` runs them all, writes ``benchmarks/results.json`` and the README's
table, and prints the total time. ``python -m benchmarks bench_poll bench_slack`` runs only
those and writes nothing unless ``--out FILE`` is given. A module that fails is reported as
failed (its error in the table) and the others still run.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import benchmarks
from benchmarks import results as files
from benchmarks.figures import Figure, as_figure


def module_names() -> list[str]:
    return sorted(
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
    )


def run_module(name: str) -> dict[str, Any]:
    """One module's figures and how long it took; its error instead when it fails."""
    started = time.perf_counter()
    try:
        rows = importlib.import_module(f"benchmarks.{name}").run()
        figures: list[Figure] = [as_figure(row) for row in rows]
        error = None
    except Exception as exc:  # one broken benchmark never hides the others' figures
        traceback.print_exc()
        figures, error = (
            [],
            f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}",
        )
    seconds = time.perf_counter() - started
    for figure in figures:
        noise = f"  [{figure.noise()}]" if figure.noise() else ""
        print(f"{figure.name:<64} {figure.shown():>16}  {figure.unit}{noise}", flush=True)
    print(f"-- {name}: {seconds:.1f} s{' FAILED: ' + error if error else ''}", flush=True)
    return {
        "name": name,
        "seconds": round(seconds, 1),
        "error": error,
        "figures": [figure.as_json() for figure in figures],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("modules", nargs="*", help="bench_* modules to run (default: all)")
    parser.add_argument("--out", type=Path, help="results file to write")
    args = parser.parse_args(argv)
    names = args.modules or module_names()
    unknown = sorted(set(names) - set(module_names()))
    if unknown:
        parser.error(
            f"no such benchmark module: {', '.join(unknown)} (have: {', '.join(module_names())})"
        )
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    started_at, started = datetime.now(UTC), time.perf_counter()
    results: dict[str, Any] = {
        "date": files.stamp(started_at),
        "commit": files.commit(),
        "machine": files.machine(),
    }
    print(f"benchmarks at {results['commit']}, machine {results['machine']}", flush=True)
    warning = files.load_warning(results["machine"]["load_1m"])
    if warning:
        results["load_warning"] = warning
        print(f"WARNING: {warning}", flush=True)
    results["modules"] = [run_module(name) for name in names]
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    results["load_1m_end"] = round(os.getloadavg()[0], 2)
    print(
        f"load average: {results['machine']['load_1m']:.2f} at the start, "
        f"{results['load_1m_end']:.2f} at the end"
    )
    out = args.out or (files.RESULTS if not args.modules else None)
    if out is not None:
        files.save_results(results, out)
        if out == files.RESULTS:
            files.update_readme(results)
        print(f"results written to {out}")
    print(f"total: {results['total_seconds']:.0f} s for {len(names)} modules")
    return 1 if any(m["error"] for m in results["modules"]) else 0


if __name__ == "__main__":
    sys.exit(main())
