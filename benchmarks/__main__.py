"""``make bench``: run every ``bench_*`` module, print the figures, write the results file.

Every module runs in each of ``PASSES`` passes over the whole list (a module that declares
``ONE_PASS``, its figures being the same in every run, only in the first), and each figure's samples
are those of every pass: the machine's speed changes in phases of seconds
(``benchmarks.calibration``), and repeats taken minutes apart are likelier to meet both
speeds than repeats taken back to back, so the noise stated is the noise a rerun meets.

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
from benchmarks.calibration import calibrate, calibration_figure
from benchmarks.figures import Figure, as_figure

PASSES = 2


def module_names() -> list[str]:
    return sorted(
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
    )


def run_module(name: str) -> dict[str, Any]:
    """One module's figures and how long it took (its error instead when it fails), with
    the machine's speed measured just before (``calibration``)."""
    calibration = calibrate()
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
    speed = calibration_figure(calibration)
    print(
        f"-- {name}: {seconds:.1f} s, calibration {speed.shown()} ms [{speed.noise()}]"
        f"{' FAILED: ' + error if error else ''}",
        flush=True,
    )
    return {
        "name": name,
        "seconds": round(seconds, 1),
        "calibration_ms": [round(ms, 3) for ms in calibration],
        "error": error,
        "figures": [figure.as_json() for figure in figures],
    }


def one_pass(name: str) -> bool:
    """A module whose figures are the same in every run (``ONE_PASS``) runs once."""
    return bool(getattr(importlib.import_module(f"benchmarks.{name}"), "ONE_PASS", False))


def merged(passes: list[dict[str, Any]]) -> dict[str, Any]:
    """One module's results over several passes: the samples of every pass per figure."""
    first = passes[0]
    errors = [p["error"] for p in passes if p["error"]]
    out = {
        "name": first["name"],
        "seconds": round(sum(p["seconds"] for p in passes), 1),
        "calibration_ms": [ms for p in passes for ms in p["calibration_ms"]],
        "error": errors[0] if errors else None,
        "figures": [],
    }
    if errors:
        return out
    by_name = [{f["name"]: f for f in p["figures"]} for p in passes]
    for data in first["figures"]:
        found = [figures[data["name"]] for figures in by_name if data["name"] in figures]
        samples = [s for f in found for s in f["samples"]]
        each = data.get("repeats_of") or f"{len(data['samples'])} runs"
        repeats = f"{each}, in each of {len(found)} passes" if len(found) > 1 else each
        keep = data["text"] is None and all(f["text"] is None for f in found)
        out["figures"].append(data | ({"samples": samples, "repeats_of": repeats} if keep else {}))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("modules", nargs="*", help="bench_* modules to run (default: all)")
    parser.add_argument("--out", type=Path, help="results file to write")
    parser.add_argument(
        "--passes", type=int, help="passes over the modules (default: 2 for all, else 1)"
    )
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
    passes = args.passes or (1 if args.modules else PASSES)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for number in range(1, passes + 1):
        print(f"== pass {number} of {passes}", flush=True)
        for name in names:
            if number == 1 or not one_pass(name):
                runs[name].append(run_module(name))
    results["passes"] = passes
    results["modules"] = [merged(runs[name]) for name in names]
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
