"""Quota saturation as a poll check: models publishing ``EstimatedTPMQuotaUsage``, their
tokens-per-minute quota (Service Quotas, cached, or set in the rule), one batched read.

Models are found with one ListMetrics call per discovery TTL; only models whose quota is
known are read, so a model without a quota costs nothing per cycle. A model whose quota
cannot be found is logged once per quota refresh with how to name it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from fnmatch import fnmatchcase

from alarms import quota
from alarms.model import Evaluation
from alarms.quota import Quota
from alarms.quota_names import console_url
from alarms.rules import QuotaSaturationRule, Rule
from bot.adapters.aws.cloudwatch import BEDROCK, CloudWatchReader
from bot.adapters.aws.service_quotas import ServiceQuotas
from bot.app.poll.metric_plans import model_key
from bot.app.poll.report import CycleReport, period_floor

log = logging.getLogger(__name__)
METRIC = "EstimatedTPMQuotaUsage"


@dataclass(frozen=True)
class QuotaConfig:
    rules: tuple[Rule, ...]
    period_seconds: int
    region: str
    discovery_ttl: timedelta = timedelta(minutes=15)


class QuotaCheck:
    """A ``Check`` for the poller: one evaluation per model with a known quota."""

    name = "quotas"

    def __init__(
        self, config: QuotaConfig, reader: CloudWatchReader, quotas: ServiceQuotas | None
    ) -> None:
        self.config = config
        self.reader = reader
        self.quotas = quotas
        self._models: tuple[list[str], datetime] | None = None
        self._unmatched: set[str] = set()

    @property
    def rules(self) -> list[QuotaSaturationRule]:
        return [r for r in self.config.rules if isinstance(r, QuotaSaturationRule)]

    def evaluate(self, now: datetime, report: CycleReport) -> list[Evaluation]:
        rules = self.rules
        if not rules or any(f.startswith("metrics:") for f in report.failures):
            return []  # CloudWatch failed this cycle (already reported): do not wait on it twice
        calls_before, metrics_before = self.reader.api_calls, self.reader.metrics_requested
        period = self.config.period_seconds
        end = period_floor(now, period)
        try:
            judged = [
                (rule, model, found)
                for model in self._discover(now)
                for rule in rules
                if rule.watches(model) and (found := self._quota(rule, model, now)) is not None
            ]
            if not judged:
                return []
            keys = list(dict.fromkeys(model_key(m, METRIC) for _, m, _ in judged))
            lookback = timedelta(seconds=period * max(r.trend_periods for r, _, _ in judged))
            data = self.reader.fetch(keys, end - lookback, end, period)
        finally:
            report.api_calls += self.reader.api_calls - calls_before
            report.metrics_requested += self.reader.metrics_requested - metrics_before
        return [
            quota.evaluate(rule, model, data[model_key(model, METRIC)].by_time(), end, period, q)
            for rule, model, q in judged
        ]

    def _discover(self, now: datetime) -> list[str]:
        if self._models is None or now - self._models[1] >= self.config.discovery_ttl:
            found = self.reader.list_dimensions(BEDROCK, METRIC, recently_active=True)
            models = sorted(d[0][1] for d in found if len(d) == 1 and d[0][0] == "ModelId")
            self._models = (models, now)
        return self._models[0]

    def _quota(self, rule: QuotaSaturationRule, model: str, now: datetime) -> Quota | None:
        for pattern, value in rule.quotas_tpm.items():
            if fnmatchcase(model, pattern):
                url = console_url(self.config.region, None)
                return Quota(
                    name=f"tokens per minute for {model} (set in the rule)", value=value, url=url
                )
        if self.quotas is None:
            return None
        found = self.quotas.quota_for(model, now, rule.quota_codes)
        if found is None and model not in self._unmatched:
            self._unmatched.add(model)
            log.warning(
                "no tokens-per-minute quota matches this model; set quota_codes or quotas_tpm "
                "in the quota_saturation rule",
                extra={"model": model},
            )
        return found
