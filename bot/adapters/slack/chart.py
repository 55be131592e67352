"""The ``/genai-stats`` chart: latency and spend per model over the window, as a PNG.

Drawn to be read at Slack's inline size: large text, short legend names (alias or the model
name with its version, never cut at the front), the statistic the rules judge, axis labels
with units and the time zone, the latency alert's threshold as a dashed line and its firing
time shaded, and no drop at the end for the period still being filled. matplotlib (the
``charts`` extra) with the Agg backend; without it ``/genai-stats`` answers without a chart.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from alarms.reports import ModelStats, StatsReport
from bot.adapters.slack.style import MessageStyle

MAX_LINES = 6
FONT = 13  # points, at 100 dpi: legible when Slack shows the image about 360 px wide
LEGEND_CHARS = 34


def charts_available() -> bool:
    """Whether matplotlib (the ``charts`` extra) is installed; without it there is no chart."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def warm_charts() -> bool:
    """Import matplotlib and draw one empty chart (font list, Agg renderer), so the first
    ``/genai-stats`` does not; False without the ``charts`` extra."""
    if not charts_available():
        return False
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.dates import DateFormatter  # noqa: F401
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1, 1), dpi=10)
    figure.subplots().set_title("warm-up")
    figure.savefig(io.BytesIO(), format="png")
    return True


def legend_name(model: str, aliases: Mapping[str, str] | None = None) -> str:
    """The alias, else the short model name; cut at the end (never the front) if long."""
    name = MessageStyle(aliases=aliases or {}).model_name(model)
    return name if len(name) <= LEGEND_CHARS else name[: LEGEND_CHARS - 1] + "…"


def complete(series: Sequence[tuple[datetime, float]], end: datetime) -> list[Any]:
    """``series`` without its last point when that period is still being filled at ``end``."""
    points = list(series)
    if len(points) >= 2:
        step = points[-1][0] - points[-2][0]
        if points[-1][0] + step > end:
            points.pop()
    return points


def chart_figure(report: StatsReport, aliases: Mapping[str, str] | None = None) -> Any:
    """The matplotlib Figure, or None when there is nothing to draw."""
    models = [m for m in report.models if m.latency_series or m.cost_series][:MAX_LINES]
    if not models or not charts_available():
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.dates import DateFormatter
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 7), dpi=100, layout="constrained")
    latency, cost = figure.subplots(2, 1, sharex=True)
    for model in models:
        _draw(latency, cost, model, report, legend_name(model.model, aliases))
    latency.set_title(f"Latency ({report.statistic}), {report.label}", fontsize=FONT + 1)
    latency.set_ylabel(f"{report.statistic} latency (ms)", fontsize=FONT)
    cost.set_title(f"Spend per hour, {report.label}", fontsize=FONT + 1)
    cost.set_ylabel("USD per hour", fontsize=FONT)
    cost.set_xlabel("time (UTC)", fontsize=FONT)
    if not any(m.cost_series for m in models):
        cost.text(0.5, 0.5, "no spend data", ha="center", va="center", transform=cost.transAxes)
    for axes in (latency, cost):
        axes.grid(alpha=0.3)
        axes.tick_params(labelsize=FONT - 2)
        axes.xaxis.set_major_formatter(DateFormatter("%H:%M" if _short(report) else "%b %d"))
    if latency.lines:
        latency.legend(fontsize=FONT - 2, loc="best", framealpha=0.8)
    return figure


def chart_png(report: StatsReport, aliases: Mapping[str, str] | None = None) -> bytes | None:
    """The PNG, or None when there is nothing to draw."""
    figure = chart_figure(report, aliases)
    if figure is None:
        return None
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _draw(latency: Any, cost: Any, model: ModelStats, report: StatsReport, name: str) -> None:
    color = None
    if model.latency_series:
        times, values = zip(*complete(model.latency_series, report.end), strict=True)
        (line,) = latency.plot(times, values, label=name, linewidth=2)
        color = line.get_color()
        if model.latency_threshold_ms is not None:
            latency.axhline(
                model.latency_threshold_ms,
                color=color,
                linestyle="--",
                linewidth=1.5,
                label=f"{name} alert threshold",
            )
        for start, end in model.alert_windows:
            latency.axvspan(
                max(start, report.start), end or report.end, color=color, alpha=0.12, linewidth=0
            )
    if model.cost_series:
        times, values = zip(*complete(model.cost_series, report.end), strict=True)
        cost.plot(times, values, label=name, linewidth=2, drawstyle="steps-post", color=color)


def _short(report: StatsReport) -> bool:
    return (report.end - report.start).total_seconds() <= 2 * 86_400
