"""The benchmark README shows exactly the last run's results file, and old-style rows fit in."""

from __future__ import annotations

from benchmarks.compare import verdict
from benchmarks.figures import from_row, measured
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


def test_a_busy_machine_is_named_as_making_times_incomparable() -> None:
    from benchmarks.results import load_warning

    assert load_warning(0.4) == ""
    assert load_warning(1.0) == ""
    warning = load_warning(5.31)
    assert "load average 5.31" in warning and "not comparable" in warning
