"""Reading CloudWatch: series discovery (ListMetrics) and batched GetMetricData."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from alarms.model import MetricPoint, MetricSeries, SeriesKey
from bot.adapters.aws.errors import AWS_FAILURES, explain

MAX_QUERIES_PER_CALL = 500
BEDROCK = "AWS/Bedrock"
Dimensions = tuple[tuple[str, str], ...]


class CloudWatchReader:
    """Reads metric series, counting what it asks for so the bot can report its own cost."""

    def __init__(
        self,
        client: Any,
        max_queries_per_call: int = MAX_QUERIES_PER_CALL,
        *,
        account: str | None = None,
    ) -> None:
        """``account``: a source account linked to this monitoring account (CloudWatch
        cross-account observability); every list and read is then of that account's series."""
        self.client = client
        self.account = account
        self.max_queries = min(max_queries_per_call, MAX_QUERIES_PER_CALL)
        self.api_calls = 0
        self.metrics_requested = 0
        self.datapoints_requested = 0  # periods asked for, summed over the queries

    def list_dimensions(
        self, namespace: str, metric: str, *, recently_active: bool = False
    ) -> list[Dimensions]:
        """Every distinct dimension set of ``metric``, each once, in the order AWS lists them.

        ``recently_active``: only series with data in the last 3 hours (ListMetrics'
        ``RecentlyActive``), so idle models and guardrails cost the poller nothing.
        """
        seen: dict[Dimensions, None] = {}
        params: dict[str, Any] = {"Namespace": namespace, "MetricName": metric}
        if recently_active:
            params["RecentlyActive"] = "PT3H"
        if self.account:
            params |= {"IncludeLinkedAccounts": True, "OwningAccount": self.account}
        try:
            for page in self.client.get_paginator("list_metrics").paginate(**params):
                self.api_calls += 1
                for item in page.get("Metrics", []):
                    dims = tuple((d["Name"], d["Value"]) for d in item.get("Dimensions", []))
                    seen.setdefault(dims, None)
        except AWS_FAILURES as exc:
            raise explain(f"cloudwatch:ListMetrics {namespace}/{metric}", exc) from exc
        return list(seen)

    def discover_models(self, *, recently_active: bool = False) -> list[str]:
        """Model ids that have published Bedrock ``Invocations``."""
        found = self.list_dimensions(BEDROCK, "Invocations", recently_active=recently_active)
        return sorted(dims[0][1] for dims in found if len(dims) == 1 and dims[0][0] == "ModelId")

    def fetch(
        self, keys: Sequence[SeriesKey], start: datetime, end: datetime, period: int
    ) -> dict[SeriesKey, MetricSeries]:
        """All ``keys`` over [start, end) at ``period`` seconds, in as few calls as allowed."""
        return self.fetch_since(dict.fromkeys(keys, start), end, period)

    def fetch_since(
        self, starts: Mapping[SeriesKey, datetime], end: datetime, period: int
    ) -> dict[SeriesKey, MetricSeries]:
        """Each key over [its start, end). GetMetricData has one StartTime per call, so keys
        are grouped by start and each group is read in calls of up to 500 queries: a series
        warming up over the whole look-back does not make the others read it too (a poll has
        one start per state of its series, usually one or two)."""
        points: dict[SeriesKey, list[MetricPoint]] = {key: [] for key in starts}
        groups: dict[datetime, list[SeriesKey]] = {}
        for key, start in starts.items():
            groups.setdefault(start, []).append(key)
        batches = [
            (start, keys[offset : offset + self.max_queries])
            for start, keys in sorted(groups.items())
            for offset in range(0, len(keys), self.max_queries)
        ]
        for start, batch in batches:
            by_id = {f"q{index}": key for index, key in enumerate(batch)}
            queries = [_query(qid, key, period, self.account) for qid, key in by_id.items()]
            self.metrics_requested += len(queries)
            self.datapoints_requested += len(queries) * _periods(start, end, period)
            for result in self._pages(queries, start, end):
                key = by_id[result["Id"]]
                points[key].extend(
                    MetricPoint(timestamp=ts.astimezone(UTC), value=value)
                    for ts, value in zip(result["Timestamps"], result["Values"], strict=True)
                )
        return {
            key: MetricSeries(key=key, points=tuple(sorted(found, key=lambda p: p.timestamp)))
            for key, found in points.items()
        }

    def _pages(
        self, queries: list[dict[str, Any]], start: datetime, end: datetime
    ) -> Iterator[dict[str, Any]]:
        params: dict[str, Any] = {
            "MetricDataQueries": queries,
            "StartTime": start,
            "EndTime": end,
            "ScanBy": "TimestampAscending",
        }
        try:
            for page in self.client.get_paginator("get_metric_data").paginate(**params):
                self.api_calls += 1
                yield from page.get("MetricDataResults", [])
        except AWS_FAILURES as exc:
            raise explain("cloudwatch:GetMetricData", exc) from exc


def _query(query_id: str, key: SeriesKey, period: int, account: str | None) -> dict[str, Any]:
    query: dict[str, Any] = {"AccountId": account} if account else {}
    return query | {
        "Id": query_id,
        "MetricStat": {
            "Metric": {
                "Namespace": key.namespace,
                "MetricName": key.metric,
                "Dimensions": [{"Name": name, "Value": value} for name, value in key.dimensions],
            },
            "Period": period,
            "Stat": key.stat,
        },
        "ReturnData": True,
    }


def linked_accounts(client: Any) -> list[str]:
    """The source accounts whose Bedrock metrics this monitoring account sees (ListMetrics
    with ``IncludeLinkedAccounts``: ``OwningAccounts`` is aligned with ``Metrics``), with data
    in the last 3 hours."""
    params = {
        "Namespace": BEDROCK,
        "MetricName": "Invocations",
        "IncludeLinkedAccounts": True,
        "RecentlyActive": "PT3H",
    }
    found: dict[str, None] = {}
    try:
        for page in client.get_paginator("list_metrics").paginate(**params):
            for account in page.get("OwningAccounts", []):
                found.setdefault(account, None)
    except AWS_FAILURES as exc:
        raise explain("cloudwatch:ListMetrics (linked accounts)", exc) from exc
    return sorted(found)


def _periods(start: datetime, end: datetime, period: int) -> int:
    return max(0, -(-int((end - start).total_seconds()) // period))
