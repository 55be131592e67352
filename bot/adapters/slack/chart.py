"""The ``/genai-stats`` chart: latency and spend per model over the window, as a PNG.

matplotlib with the Agg backend (no display needed); the busiest models only, so the chart
stays readable. matplotlib is optional (the ``charts`` extra): without it there is no chart
and ``/genai-stats`` answers with its table.
"""

from __future__ import annotations

import io

from alarms.reports import StatsReport

MAX_LINES = 6


def charts_available() -> bool:
    """Whether matplotlib (the ``charts`` extra) is installed; without it there is no chart."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def chart_png(report: StatsReport) -> bytes | None:
    """The PNG, or None when there is nothing to draw."""
    models = [m for m in report.models if m.latency_series or m.cost_series][:MAX_LINES]
    if not models or not charts_available():
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 5), dpi=100, layout="constrained")
    latency, cost = figure.subplots(2, 1, sharex=True)
    for model in models:
        name = model.model.rsplit("/", 1)[-1][-40:]
        if model.latency_series:
            times, values = zip(*model.latency_series, strict=True)
            latency.plot(times, values, label=name, linewidth=1.5)
        if model.cost_series:
            times, values = zip(*model.cost_series, strict=True)
            cost.plot(times, values, label=name, linewidth=1.5, drawstyle="steps-post")
    latency.set_title(f"{report.statistic} latency (ms), {report.label}", fontsize=10)
    cost.set_title(f"spend per hour (USD), {report.label}", fontsize=10)
    if not any(m.cost_series for m in models):
        cost.text(0.5, 0.5, "no spend data", ha="center", va="center", transform=cost.transAxes)
    for axes in (latency, cost):
        axes.grid(alpha=0.3)
        axes.tick_params(labelsize=8)
    if latency.lines:
        latency.legend(fontsize=7, loc="upper left")
    figure.autofmt_xdate()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
