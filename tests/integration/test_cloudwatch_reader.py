from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from alarms.model import SeriesKey
from bot.adapters.aws.cloudwatch import CloudWatchReader
from bot.entrypoints.demo.seed import ModelProfile, seed_fleet

END = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_discovers_each_model_once(cloudwatch: Any) -> None:
    fleet = [ModelProfile("a.one-v1:0", 50, 500), ModelProfile("b.two-v1:0", 50, 500)]
    seed_fleet(cloudwatch, END, fleet, hours=1)
    cloudwatch.put_metric_data(
        Namespace="AWS/Bedrock",
        MetricData=[
            {
                "MetricName": "Invocations",
                "Value": 1.0,
                "Timestamp": END,
                "Dimensions": [
                    {"Name": "ModelId", "Value": "a.one-v1:0"},
                    {"Name": "Other", "Value": "x"},
                ],
            }
        ],
    )
    reader = CloudWatchReader(cloudwatch)
    assert reader.discover_models() == ["a.one-v1:0", "b.two-v1:0"]


def test_batches_at_most_500_queries_per_call(cloudwatch: Any) -> None:
    seed_fleet(cloudwatch, END, [ModelProfile("a.one-v1:0", 50, 500)], hours=1)
    real = SeriesKey(
        namespace="AWS/Bedrock",
        metric="Invocations",
        dimensions=(("ModelId", "a.one-v1:0"),),
        stat="Sum",
    )
    keys = [real] + [
        real.model_copy(update={"dimensions": (("ModelId", f"m{i}"),)}) for i in range(700)
    ]
    calls: list[int] = []
    original = cloudwatch.get_metric_data

    def counting(**kwargs: Any) -> Any:
        calls.append(len(kwargs["MetricDataQueries"]))
        return original(**kwargs)

    cloudwatch.get_metric_data = counting
    reader = CloudWatchReader(cloudwatch)
    data = reader.fetch(keys, END - timedelta(hours=1), END, 300)
    assert calls == [500, 201]
    assert reader.metrics_requested == 701
    assert len(data[real].points) == 12
    assert all(p.timestamp.tzinfo is not None for p in data[real].points)
    assert data[keys[5]].points == ()
