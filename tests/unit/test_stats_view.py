"""The /genai-stats reply: valid Block Kit, numbers formatted, size limits kept, a real PNG."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from slack_sdk.models.blocks import Block

from alarms.feedback import FeedbackTotals
from alarms.reports import ModelStats, StatsReport
from bot.adapters.slack.chart import chart_figure, chart_png
from bot.adapters.slack.stats_view import stats_blocks
from tests.support.series import T0


def report(models: list[ModelStats], **extra: object) -> StatsReport:
    base = StatsReport(
        label="last 24 h",
        start=T0,
        end=T0 + timedelta(hours=24),
        statistic="p90",
        models=models,
        previous_invocations=40_000,
        spend=Decimal("182.4"),
        cost_source="cost from invocation logs (prompt cache included)",
        guardrail_checks=5000,
        guardrail_interventions=90,
        alerts_firing=2,
        alerts_held=1,
        polling="10 metrics in 2 API calls per cycle: about $0.86/month",
    )
    for name, value in extra.items():
        setattr(base, name, value)
    return base


SONNET = ModelStats(
    "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
    invocations=9812,
    latency_ms=6200,
    errors=10,
    throttles=0,
    input_tokens=41_200_000,
    output_tokens=3_100_000,
    usd=Decimal("141.70"),
    feedback=FeedbackTotals(41, 6),
)
NOVA = ModelStats("amazon.nova-lite-v1:0", invocations=38_398, latency_ms=600, throttles=154)


def test_reply_reads_like_the_sample() -> None:
    text, blocks = stats_blocks(report([NOVA, SONNET]), "F123")

    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    assert text == "GenAI usage, last 24 h: 48.2k invocations, $182.40, 2 alerts firing"
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert fields[0] == "*Invocations*\n48.2k (+21% vs the previous period)"
    assert fields[2] == "*Guardrail interventions*\n1.8% of 5,000 checks"
    assert fields[3] == "*Feedback*\n:+1: 41 · :-1: 6 (87% positive)"
    rows = blocks[2]["text"]["text"].split("\n")
    assert rows[:2] == [
        "*nova-lite-v1:0*",
        "38.4k calls · p90 600 ms · errors 0.0% · throttled 0.4% · 0 in / 0 out tokens · n/a",
    ]
    # the full name with its version, never cut; no fixed-width table to break on a phone
    assert rows[2] == "*claude-3-5-sonnet-20240620-v1:0*"
    assert rows[3].startswith("9,812 calls · p90 6.2 s · errors 0.1%")
    assert "```" not in str(blocks)
    assert blocks[3] == {
        "type": "image",
        "slack_file": {"id": "F123"},
        "alt_text": "p90 latency and spend per model, last 24 h",
    }
    assert "2 alerts firing (`/genai-alerts`), 1 silenced or held back" in str(blocks[-1])


def test_aliases_name_models_and_no_alerts_is_said_plainly() -> None:
    aliases = {"sonnet": SONNET.model}
    text, blocks = stats_blocks(report([SONNET], alerts_firing=0, alerts_held=0), None, aliases)
    assert blocks[2]["text"]["text"].startswith("*sonnet*\n")
    assert "alert" not in text and "no alerts firing" in str(blocks[-1])


def test_an_unknown_model_says_so_and_echoes_the_name_inert() -> None:
    hostile = "<!channel>"
    text, blocks = stats_blocks(report([], model_filter=hostile), None)
    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    assert not any("fields" in b for b in blocks)  # no dashboard of zeros
    assert "No Bedrock models matching `&lt;!channel&gt;`" in blocks[1]["text"]["text"]
    assert "<!channel>" not in text


def test_many_models_are_cut_and_the_cut_is_said() -> None:
    many = [ModelStats(f"vendor.model-{i:03d}", invocations=1000 - i) for i in range(200)]
    _, blocks = stats_blocks(report(many), None)

    sections = [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]
    assert all(len(s) <= 3000 for s in sections)
    assert "more models not shown: name one" in sections[-1]
    assert len(blocks) <= 50 and all(b["type"] != "image" for b in blocks)


def test_chart_is_a_png_with_both_panels() -> None:
    series = [(T0 + timedelta(hours=h), 1000.0 + h) for h in range(24)]
    model = ModelStats("m", invocations=1, latency_series=series, cost_series=series[:5])
    png = chart_png(report([model]))

    assert png is not None and png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    assert chart_png(report([ModelStats("idle")])) is None


def test_the_chart_names_models_shortly_draws_the_threshold_and_alert_and_labels_its_axes() -> None:
    hours = [T0 + timedelta(hours=h) for h in range(24)]
    sonnet = ModelStats(
        SONNET.model,
        invocations=1,
        latency_series=[(t, 1000.0 + (4000 if 12 <= i < 15 else 0)) for i, t in enumerate(hours)],
        cost_series=[(t, 2.0) for t in hours],
        latency_threshold_ms=2500.0,
        alert_windows=[(hours[12], hours[15])],
    )
    partial = report([sonnet], end=hours[-1] + timedelta(minutes=20))  # last hour still filling
    figure = chart_figure(partial, {"sonnet": SONNET.model})

    latency, cost = figure.axes
    labels = [text.get_text() for text in latency.get_legend().get_texts()]
    assert labels == ["sonnet", "sonnet alert threshold"]
    assert chart_figure(report([sonnet]), {}).axes[0].get_legend().get_texts()[0].get_text() == (
        "claude-3-5-sonnet-20240620-v1:0"  # the name with its version, not cut at the front
    )
    threshold = [line for line in latency.get_lines() if line.get_linestyle() == "--"]
    assert [list(line.get_ydata()) for line in threshold] == [[2500.0, 2500.0]]
    assert len(latency.patches) == 1  # the alert's firing time, shaded
    assert latency.get_ylabel() == "p90 latency (ms)" and cost.get_ylabel() == "USD per hour"
    assert cost.get_xlabel() == "time (UTC)" and latency.get_title().startswith("Latency (p90)")
    drawn = latency.get_lines()[0].get_xdata()
    assert len(drawn) == 23  # the hour still being filled is not drawn as a drop
    assert latency.title.get_fontsize() >= 12 and latency.yaxis.label.get_fontsize() >= 12


def test_start_up_loads_the_chart_library_so_the_first_chart_does_not() -> None:
    import subprocess
    import sys

    loaded = "import sys; from bot.adapters.slack.chart import warm_charts; ok = warm_charts(); "
    loaded += "print(ok, 'matplotlib.backends.backend_agg' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", loaded], capture_output=True, text=True)
    assert done.stdout.split() == ["True", "True"], done.stderr
