"""Estimated cost per model as a CloudWatch metric, for the stack's dashboard.

After each poll, every complete hour of usage roll-ups that has not been published yet is
written once as ``EstimatedCostUSD`` (dimension ``ModelId``, timestamp the hour's start).
"Once" is a claim in the state store (a conditional write), so overlapping pollers never
double a Sum. An hour is published when it ended at least ``settle`` ago, so late log records
have arrived; it is an estimate from the invocation logs and the bot's prices.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from alarms.rollup import hour_of
from bot.adapters.aws.errors import AWS_FAILURES, AwsError, explain
from bot.adapters.store import StateStore, put_first
from bot.adapters.store.rollups import RollupStore, hour_key

log = logging.getLogger(__name__)
KIND = "cost_metric"
METRIC = "EstimatedCostUSD"
BATCH = 1000  # PutMetricData's limit of values per call
KEEP = timedelta(days=7)


def publish_cost(
    store: StateStore,
    cloudwatch: Any,
    namespace: str,
    now: datetime,
    *,
    settle: timedelta = timedelta(minutes=10),
    lookback: timedelta = timedelta(hours=6),
) -> list[datetime]:
    """Publish the complete, unpublished hours in ``lookback``; the hours published."""
    end = hour_of(now - settle)  # hours before this one are complete
    published = []
    for rollup in RollupStore(store).hours(hour_of(now - lookback), end):
        key = hour_key(rollup.hour, rollup.account, rollup.region)
        if not put_first(store, KIND, key, {"at": now.isoformat()}, now + KEEP):
            continue  # published already (or being published by another poller)
        data = [
            {
                "MetricName": METRIC,
                "Dimensions": [{"Name": "ModelId", "Value": model}],
                "Timestamp": rollup.hour,
                "Value": float(tally.usd),
                "Unit": "None",
            }
            for model, tally in sorted(rollup.models.items())
        ]
        try:
            for start in range(0, len(data), BATCH):
                cloudwatch.put_metric_data(
                    Namespace=namespace, MetricData=data[start : start + BATCH]
                )
        except AWS_FAILURES as exc:
            store.delete(KIND, key)  # give the hour back; the next poll tries again
            raise explain(f"PutMetricData {namespace}/{METRIC}", exc) from exc
        published.append(rollup.hour)
    return published


__all__ = ["AwsError", "publish_cost"]
