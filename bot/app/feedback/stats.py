"""Feedback per model over a window, read back from CloudWatch.

The query behind ``/genai-stats``' feedback column and the ``feedback_drop`` rule: the Sum of
``PositiveFeedback`` and ``NegativeFeedback`` per ``ModelId`` (net votes, since a withdrawn
vote is published as -1).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from alarms.feedback import FeedbackTotals
from alarms.model import SeriesKey
from bot.adapters.aws.cloudwatch import CloudWatchReader
from bot.adapters.aws.feedback_metrics import DEFAULT_NAMESPACE, METRICS, REASON_METRIC


def period_for(window: timedelta) -> int:
    """A CloudWatch period that keeps a window to at most a few hundred points."""
    return 300 if window <= timedelta(days=1) else 3600


def feedback_by_model(
    reader: CloudWatchReader,
    start: datetime,
    end: datetime,
    namespace: str = DEFAULT_NAMESPACE,
) -> dict[str, FeedbackTotals]:
    """Net positive and negative votes per model id in [start, end); models with feedback
    metrics but no votes in the window are included with zeros.

    Usage (e.g. ``/genai-stats``)::

        totals = feedback_by_model(CloudWatchReader(cloudwatch), start, end, namespace)
        totals["amazon.nova-pro-v1:0"].votes, totals["amazon.nova-pro-v1:0"].positive_share
    """
    # Every vote change publishes both metrics, so listing one finds every model.
    models = sorted(
        {
            dims[0][1]
            for dims in reader.list_dimensions(namespace, METRICS[0])
            if len(dims) == 1 and dims[0][0] == "ModelId"
        }
    )
    keys = {
        (model, metric): SeriesKey(
            namespace=namespace, metric=metric, dimensions=(("ModelId", model),), stat="Sum"
        )
        for model in models
        for metric in METRICS
    }
    data = reader.fetch(list(keys.values()), start, end, period_for(end - start))

    def total(model: str, metric: str) -> float:
        return sum(point.value for point in data[keys[(model, metric)]].points)

    return {
        model: FeedbackTotals.from_sums(
            total(model, "PositiveFeedback"), total(model, "NegativeFeedback")
        )
        for model in models
    }


def reasons_by_model(
    reader: CloudWatchReader,
    start: datetime,
    end: datetime,
    namespace: str = DEFAULT_NAMESPACE,
) -> dict[str, dict[str, int]]:
    """Net count of each 👎 reason per model id in [start, end) (``NegativeFeedbackReason``
    by ``ModelId`` and ``Reason``); reasons at zero or below are left out."""
    series = [
        dict(dims)
        for dims in reader.list_dimensions(namespace, REASON_METRIC)
        if {name for name, _ in dims} == {"ModelId", "Reason"}
    ]
    keys = {
        (d["ModelId"], d["Reason"]): SeriesKey(
            namespace=namespace,
            metric=REASON_METRIC,
            dimensions=tuple((n, d[n]) for n in ("ModelId", "Reason")),
            stat="Sum",
        )
        for d in series
    }
    if not keys:
        return {}
    data = reader.fetch(list(keys.values()), start, end, period_for(end - start))
    found: dict[str, dict[str, int]] = {}
    for (model, reason), key in keys.items():
        net = round(sum(point.value for point in data[key].points))
        if net > 0:
            found.setdefault(model, {})[reason] = net
    return found
