"""Feedback per model over a window, read back from CloudWatch.

The query behind ``/genai-stats``' feedback column, its 👎 reasons and the ``feedback_drop``
rule: the Sum of ``PositiveFeedback`` and ``NegativeFeedback`` per ``ModelId`` (net votes,
since a withdrawn vote is published as -1), and of ``NegativeFeedbackReason`` per ``ModelId``
and ``Reason``. Both are read in one GetMetricData batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from alarms.feedback import FeedbackTotals
from alarms.model import MetricSeries, SeriesKey
from bot.adapters.aws.cloudwatch import CloudWatchReader
from bot.adapters.aws.feedback_metrics import DEFAULT_NAMESPACE, METRICS, REASON_METRIC

VoteKeys = dict[tuple[str, str], SeriesKey]  # (model, metric) -> series
ReasonKeys = dict[tuple[str, str], SeriesKey]  # (model, reason) -> series


def period_for(window: timedelta) -> int:
    """A CloudWatch period that keeps a window to at most a few hundred points."""
    return 300 if window <= timedelta(days=1) else 3600


def vote_keys(reader: CloudWatchReader, namespace: str = DEFAULT_NAMESPACE) -> VoteKeys:
    """The vote series of every model with feedback metrics (one ListMetrics)."""
    # Every vote change publishes both metrics, so listing one finds every model.
    models = sorted(
        {
            dims[0][1]
            for dims in reader.list_dimensions(namespace, METRICS[0])
            if len(dims) == 1 and dims[0][0] == "ModelId"
        }
    )
    return {
        (model, metric): SeriesKey(
            namespace=namespace, metric=metric, dimensions=(("ModelId", model),), stat="Sum"
        )
        for model in models
        for metric in METRICS
    }


def reason_keys(reader: CloudWatchReader, namespace: str = DEFAULT_NAMESPACE) -> ReasonKeys:
    """The 👎 reason series, one per model and reason (one ListMetrics)."""
    series = [
        dict(dims)
        for dims in reader.list_dimensions(namespace, REASON_METRIC)
        if {name for name, _ in dims} == {"ModelId", "Reason"}
    ]
    return {
        (d["ModelId"], d["Reason"]): SeriesKey(
            namespace=namespace,
            metric=REASON_METRIC,
            dimensions=tuple((n, d[n]) for n in ("ModelId", "Reason")),
            stat="Sum",
        )
        for d in series
    }


def _sum(series: MetricSeries | None, start: datetime, end: datetime) -> float:
    return sum(p.value for p in series.points if start <= p.timestamp < end) if series else 0.0


def totals_from(
    data: Mapping[SeriesKey, MetricSeries], keys: VoteKeys, start: datetime, end: datetime
) -> dict[str, FeedbackTotals]:
    """Net votes per model in [start, end) from series already read."""
    models = sorted({model for model, _ in keys})
    return {
        model: FeedbackTotals.from_sums(
            _sum(data.get(keys[(model, "PositiveFeedback")]), start, end),
            _sum(data.get(keys[(model, "NegativeFeedback")]), start, end),
        )
        for model in models
    }


def reasons_from(
    data: Mapping[SeriesKey, MetricSeries], keys: ReasonKeys, start: datetime, end: datetime
) -> dict[str, dict[str, int]]:
    """Net count of each 👎 reason per model in [start, end); zero or below left out."""
    found: dict[str, dict[str, int]] = {}
    for (model, reason), key in keys.items():
        net = round(_sum(data.get(key), start, end))
        if net > 0:
            found.setdefault(model, {})[reason] = net
    return found


def feedback_by_model(
    reader: CloudWatchReader,
    start: datetime,
    end: datetime,
    namespace: str = DEFAULT_NAMESPACE,
) -> dict[str, FeedbackTotals]:
    """Net positive and negative votes per model id in [start, end); models with feedback
    metrics but no votes in the window are included with zeros.

    Usage (e.g. the ``feedback_drop`` rule)::

        totals = feedback_by_model(CloudWatchReader(cloudwatch), start, end, namespace)
        totals["amazon.nova-pro-v1:0"].votes, totals["amazon.nova-pro-v1:0"].positive_share
    """
    votes, _ = feedback_and_reasons(reader, start, end, namespace, with_reasons=False)
    return votes


def feedback_and_reasons(
    reader: CloudWatchReader,
    start: datetime,
    end: datetime,
    namespace: str = DEFAULT_NAMESPACE,
    *,
    with_reasons: bool = True,
) -> tuple[dict[str, FeedbackTotals], dict[str, dict[str, int]]]:
    """Votes per model and 👎 reasons per model in [start, end), in one GetMetricData batch."""
    votes = vote_keys(reader, namespace)
    reasons = reason_keys(reader, namespace) if with_reasons else {}
    keys = [*votes.values(), *reasons.values()]
    data = reader.fetch(keys, start, end, period_for(end - start)) if keys else {}
    return totals_from(data, votes, start, end), reasons_from(data, reasons, start, end)
