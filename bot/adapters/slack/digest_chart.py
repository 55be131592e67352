"""The digest's chart: latency per model this period against the same period last week (PNG,
with the ``charts`` extra; None without it)."""

from __future__ import annotations

import io

from alarms.digest import Digest
from alarms.names import short_model
from bot.adapters.slack.chart import charts_available

MAX_MODELS = 8


def digest_png(d: Digest) -> bytes | None:
    models = [f for f in d.models if f.latency_ms is not None][:MAX_MODELS]
    if not models or not charts_available():
        return None
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 0.5 + 0.45 * len(models)))
    axes = figure.add_subplot()
    rows = range(len(models))
    axes.barh(
        [r + 0.2 for r in rows],
        [f.latency_last_week_ms or 0 for f in models],
        0.4,
        label="last week",
        color="#bbbbbb",
    )
    axes.barh(
        [r - 0.2 for r in rows],
        [f.latency_ms or 0 for f in models],
        0.4,
        label="this period",
        color="#1264a3",
    )
    axes.set_yticks(list(rows), [short_model(f.model) for f in models])
    axes.invert_yaxis()
    axes.set_xlabel("latency (ms)")
    axes.legend(loc="lower right")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=100)
    return out.getvalue()
