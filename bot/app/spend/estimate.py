"""Spend estimated from CloudWatch token metrics, for accounts without invocation logging.

An estimate: the metrics exclude prompt-cache tokens and carry no caller or tags, so only
model-level and overall budgets can be judged from it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from alarms.model import SeriesKey
from alarms.pricing import TokenCounts, plain_model_id, strip_geo
from alarms.rollup import Rollup, Tally, hour_of
from bot.adapters.aws.cloudwatch import BEDROCK, CloudWatchReader
from bot.adapters.prices import Pricer

HOUR_SECONDS = 3600
METRICS = ("Invocations", "InputTokenCount", "OutputTokenCount")


def estimated_hours(
    reader: CloudWatchReader, pricer: Pricer, start: datetime, end: datetime
) -> list[Rollup]:
    """Hourly roll-ups (models only) priced from per-model token metrics."""
    models = reader.discover_models()
    keys = {
        (model, metric): SeriesKey(
            namespace=BEDROCK, metric=metric, dimensions=(("ModelId", model),), stat="Sum"
        )
        for model in models
        for metric in METRICS
    }
    if not keys:
        return []
    data = reader.fetch(list(keys.values()), hour_of(start), end, HOUR_SECONDS)
    hours: dict[datetime, Rollup] = {}
    for model in models:
        series = {metric: data[keys[(model, metric)]].by_time() for metric in METRICS}
        for moment in series["Invocations"].keys() | series["InputTokenCount"].keys():
            hour = hour_of(moment.astimezone(UTC))
            tokens = TokenCounts(
                input=int(series["InputTokenCount"].get(moment, 0)),
                output=int(series["OutputTokenCount"].get(moment, 0)),
            )
            cost = pricer.price(model, tokens, hour)
            calls = int(series["Invocations"].get(moment, 0))
            tally = Tally(calls=calls, input=tokens.input, output=tokens.output)
            if cost.usd is None:
                tally.unpriced_calls, tally.unpriced_tokens = calls, tokens.input + tokens.output
            else:
                tally.usd = cost.usd
            rollup = hours.setdefault(hour, Rollup(hour=hour))
            rollup.total.merge(tally)
            rollup.models.setdefault(strip_geo(plain_model_id(model)), Tally()).merge(tally)
    return [hours[h] for h in sorted(hours)]
