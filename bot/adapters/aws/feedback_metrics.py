"""Publishing feedback votes as CloudWatch metrics: PutMetricData, or EMF log lines on Lambda.

Metrics ``PositiveFeedback`` and ``NegativeFeedback`` (unit Count) with exactly one dimension,
``ModelId``, in a custom namespace (default ``GenAIOps/Feedback``). A withdrawn vote is a
datapoint of -1 on the same metric, so the Sum over any window is the net vote count.

Why a vote went down is its own metric, ``NegativeFeedbackReason``, with dimensions
``ModelId`` and ``Reason`` (wrong, incomplete, unsafe, slow, other): +1 for a reason given,
-1 for the reason it replaces. The text typed under "other" is never published.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, TextIO

from bot.adapters.aws.errors import AWS_FAILURES, explain

DEFAULT_NAMESPACE = "GenAIOps/Feedback"
METRICS = ("PositiveFeedback", "NegativeFeedback")
REASON_METRIC = "NegativeFeedbackReason"


def both_metrics(changes: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """Every vote change carries both metrics (0 where unchanged): dashboards show zeros, not
    gaps, and one ListMetrics call finds every model with feedback."""
    given = dict(changes)
    return [(metric, given.get(metric, 0)) for metric in METRICS]


class FeedbackPublisher(Protocol):
    def publish(self, model_id: str, changes: Sequence[tuple[str, int]], at: datetime) -> None:
        """Publish ``(metric, delta)`` pairs for ``model_id``; raises AwsError on failure."""

    def publish_reasons(
        self, model_id: str, changes: Sequence[tuple[str, int]], at: datetime
    ) -> None:
        """Publish ``(reason, delta)`` pairs of ``NegativeFeedbackReason``; AwsError on failure."""


def reason_dimensions(model_id: str, reason: str) -> list[dict[str, str]]:
    return [{"Name": "ModelId", "Value": model_id}, {"Name": "Reason", "Value": reason}]


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
        self._put(data)

    def publish_reasons(
        self, model_id: str, changes: Sequence[tuple[str, int]], at: datetime
    ) -> None:
        data = [
            {
                "MetricName": REASON_METRIC,
                "Dimensions": reason_dimensions(model_id, reason),
                "Timestamp": at,
                "Value": float(delta),
                "Unit": "Count",
            }
            for reason, delta in changes
        ]
        if data:
            self._put(data)

    def _put(self, data: list[dict[str, Any]]) -> None:
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

    def publish_reasons(
        self, model_id: str, changes: Sequence[tuple[str, int]], at: datetime
    ) -> None:
        for reason, delta in changes:
            record: dict[str, Any] = {
                "_aws": {
                    "Timestamp": int(at.timestamp() * 1000),
                    "CloudWatchMetrics": [
                        {
                            "Namespace": self.namespace,
                            "Dimensions": [["ModelId", "Reason"]],
                            "Metrics": [{"Name": REASON_METRIC, "Unit": "Count"}],
                        }
                    ],
                },
                "ModelId": model_id,
                "Reason": reason,
                REASON_METRIC: delta,
            }
            self.stream.write(json.dumps(record) + "\n")
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
