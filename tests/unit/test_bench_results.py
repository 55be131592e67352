"""The benchmark README shows exactly the last run's results file, and old-style rows fit in."""

from __future__ import annotations

from benchmarks.calibration import calibrate
from benchmarks.compare import verdict
from benchmarks.figures import Figure, from_row, measured
from benchmarks.results import README, load_results, readme_table, render


def test_readme_table_is_what_the_results_file_renders_to() -> None:
    assert readme_table(README.read_text()) == render(load_results())


def test_results_file_states_when_where_and_the_noise() -> None:
    results = load_results()
    assert results["commit"] and results["date"]
    assert results["machine"]["cores"] >= 1 and results["machine"]["load_1m"] >= 0
    figures = [f for module in results["modules"] for f in module["figures"]]
    assert any(len(f["samples"]) > 1 for f in figures), "no figure has repeats"


def test_an_old_text_row_is_shown_as_given_and_compared_by_its_number() -> None:
    figure = from_row(("usage: parse+price+roll up", "78,932", "records/s, 1 core"))
    assert figure.shown() == "78,932"
    assert figure.samples == (78932.0,)
    assert figure.noise() == ""


def test_runs_agree_when_their_ranges_overlap() -> None:
    first = measured("ack p99", [80, 90, 95], "ms")
    assert first.shown() == "90" and first.noise() == "80 / 95 (3 runs)"
    assert verdict(first, measured("ack p99", [94, 99, 120], "ms")) == "agree"
    assert verdict(first, measured("ack p99", [96, 99, 120], "ms")) == "DIFFER"


def test_runs_are_compared_at_the_precision_their_table_states() -> None:
    shown_to_tenths = measured("all answered", [4.246, 4.273], "s", 1)
    assert shown_to_tenths.noise() == "4.2 / 4.3 (2 runs)"
    assert verdict(shown_to_tenths, measured("all answered", [4.223, 4.223], "s", 1)) == "agree"
    assert verdict(shown_to_tenths, measured("all answered", [4.02, 4.08], "s", 1)) == "DIFFER"


def test_a_busy_machine_is_named_as_making_times_incomparable() -> None:
    from benchmarks.results import load_warning

    assert load_warning(0.4) == ""
    assert load_warning(1.0) == ""
    warning = load_warning(5.31)
    assert "load average 5.31" in warning and "not comparable" in warning


def test_the_calibration_measures_cpu_time() -> None:
    runs = calibrate(2)
    assert len(runs) == 2 and all(ms > 0 for ms in runs)


def test_passes_merge_into_one_figure_with_every_sample() -> None:
    from benchmarks.__main__ import merged

    def one(samples: list[float], text: str | None = None) -> dict[str, object]:
        figures = [measured("ack p99", samples, "ms", 0, "3 runs of 200").as_json()]
        figures.append({"name": "NAB", "unit": "", "samples": [], "digits": 0, "text": text})
        return {
            "name": "bench_slack",
            "seconds": 60.0,
            "calibration_ms": [12.0],
            "error": None,
            "figures": figures,
        }

    module = merged([one([70, 74, 57], "57.7"), one([93, 95, 83], "57.7")])
    p99 = Figure.from_json(module["figures"][0])
    assert p99.samples == (70, 74, 57, 93, 95, 83) and p99.shown() == "78"  # median 78.5
    assert p99.noise() == "57 / 95 (3 runs of 200, in each of 2 passes)"
    assert module["figures"][1]["text"] == "57.7" and module["seconds"] == 120.0
    assert module["calibration_ms"] == [12.0, 12.0]
