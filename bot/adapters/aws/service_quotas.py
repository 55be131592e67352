"""Bedrock's tokens-per-minute quotas from Service Quotas, cached (they change rarely).

One ``ListServiceQuotas`` walk (service code ``bedrock``) per ``ttl`` (default 12 hours)
yields every applied quota; only the tokens-per-minute ones are kept. Where the account has
no applied values yet, the AWS defaults (``ListAWSDefaultServiceQuotas``) are read instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from alarms.quota import Quota
from alarms.quota_names import console_url, match
from bot.adapters.aws.errors import AWS_FAILURES, explain

SERVICE = "bedrock"
DEFAULT_TTL = timedelta(hours=12)
TPM = "tokens per minute"


class ServiceQuotas:
    """Finds a model's tokens-per-minute quota; ``now`` is passed in so tests control time."""

    def __init__(self, client: Any, region: str, ttl: timedelta = DEFAULT_TTL) -> None:
        self.client = client
        self.region = region
        self.ttl = ttl
        self.api_calls = 0
        self._quotas: dict[str, tuple[str, float]] = {}
        self._read_at: datetime | None = None

    def quota_for(
        self, model_id: str, now: datetime, codes: Mapping[str, str] | None = None
    ) -> Quota | None:
        """``model_id``'s quota, or None when no quota name matches it (see quota_names).

        Raises AwsError when Service Quotas cannot be read (e.g. access denied).
        """
        quotas = self._all(now)
        code = match(model_id, {c: name for c, (name, _) in quotas.items()}, codes or {})
        if code is None:
            return None
        name, value = quotas[code]
        return Quota(name=name, value=value, code=code, url=console_url(self.region, code))

    def _all(self, now: datetime) -> dict[str, tuple[str, float]]:
        if self._read_at is not None and now - self._read_at < self.ttl:
            return self._quotas
        found = self._walk("list_service_quotas") or self._walk("list_aws_default_service_quotas")
        self._quotas, self._read_at = found, now
        return found

    def _walk(self, operation: str) -> dict[str, tuple[str, float]]:
        found: dict[str, tuple[str, float]] = {}
        try:
            for page in self.client.get_paginator(operation).paginate(ServiceCode=SERVICE):
                self.api_calls += 1
                for quota in page.get("Quotas", []):
                    name = str(quota.get("QuotaName", ""))
                    if TPM in name.lower() and "QuotaCode" in quota and "Value" in quota:
                        found[str(quota["QuotaCode"])] = (name, float(quota["Value"]))
        except AWS_FAILURES as exc:
            raise explain(f"servicequotas:{_action(operation)} bedrock", exc) from exc
        return found


def _action(operation: str) -> str:
    return "".join(part.capitalize() for part in operation.split("_")).replace("Aws", "AWS")
