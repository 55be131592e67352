"""Publishing feedback votes as CloudWatch metrics: PutMetricData, or EMF log lines on Lambda.

Metrics ``PositiveFeedback`` and ``NegativeFeedback`` (unit Count) with exactly one dimension,
``ModelId``, in a custom namespace (default ``GenAIOps/Feedback``). A withdrawn vote is a
datapoint of -1 on the same metric, so the Sum over any window is the net vote count.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, TextIO

from bot.adapters.aws.errors import AWS_FAILURES, explain

DEFAULT_NAMESPACE = "GenAIOps/Feedback"
METRICS = ("PositiveFeedback", "NegativeFeedback")


def both_metrics(changes: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """Every vote change carries both metrics (0 where unchanged): dashboards show zeros, not
    gaps, and one ListMetrics call finds every model with feedback."""
    given = dict(changes)
    return [(metric, given.get(metric, 0)) for metric in METRICS]


class FeedbackPublisher(Protocol):
    def publish(self, model_id: str, changes: Sequence[tuple[str, int]], at: datetime) -> None:
        """Publish ``(metric, delta)`` pairs for ``model_id``; raises AwsError on failure."""


class CloudWatchFeedback:
    """One PutMetricData call per vote change."""

    def __init__(self, client: Any, namespace: str = DEFAULT_NAMESPACE) -> None:
        self.client = client
        self.namespace = namespace

    def publish(self, model_id: str, changes: Sequence[tuple[str, int]], at: datetime) -> None:
        if not changes:
            return
        data = [
            {
                "MetricName": metric,
                "Dimensions": [{"Name": "ModelId", "Value": model_id}],
                "Timestamp": at,
                "Value": float(delta),
                "Unit": "Count",
            }
            for metric, delta in both_metrics(changes)
        ]
        try:
            self.client.put_metric_data(Namespace=self.namespace, MetricData=data)
        except AWS_FAILURES as exc:
            raise explain(f"cloudwatch:PutMetricData {self.namespace}", exc) from exc


class EmfFeedback:
    """Embedded Metric Format: one JSON log line per vote change; on Lambda, CloudWatch Logs
    turns it into the same metrics without an API call."""

    def __init__(self, stream: TextIO, namespace: str = DEFAULT_NAMESPACE) -> None:
        self.stream = stream
        self.namespace = namespace

    def publish(self, model_id: str, changes: Sequence[tuple[str, int]], at: datetime) -> None:
        if changes:
            self.stream.write(json.dumps(emf_record(self.namespace, model_id, changes, at)) + "\n")
            self.stream.flush()


def emf_record(
    namespace: str, model_id: str, changes: Sequence[tuple[str, int]], at: datetime
) -> dict[str, Any]:
    """The EMF document for one vote change."""
    changes = both_metrics(changes)
    record: dict[str, Any] = {
        "_aws": {
            "Timestamp": int(at.timestamp() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": [["ModelId"]],
                    "Metrics": [{"Name": metric, "Unit": "Count"} for metric, _ in changes],
                }
            ],
        },
        "ModelId": model_id,
    }
    record.update({metric: delta for metric, delta in changes})
    return record
