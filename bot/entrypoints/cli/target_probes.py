"""`genai-ops check-config` per watched target region: assume its role, then the dry calls
that polling and usage reading make there; one line per target region, failing or not."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.adapters.aws import probes
from bot.adapters.aws.errors import AwsError
from bot.adapters.aws.probes import Probe
from bot.adapters.aws.target_identity import TargetIdentity
from bot.adapters.aws.targets import TargetRegion
from bot.config.settings import Settings


def target_checks(settings: Settings, now: datetime) -> list[Probe]:
    """One probe per target region of ``[[aws.targets]]`` (none without targets)."""
    from bot import bootstrap

    if not settings.aws.targets:
        return []
    return [target_check(settings, target, now) for target in bootstrap.watched_regions(settings)]


def target_check(settings: Settings, target: TargetRegion, now: datetime) -> Probe:
    """Whether the bot can read ``target``: its role, then ListMetrics and GetMetricData,
    the invocation logs (when pulled) and GetInferenceProfile, in that target region."""
    from bot import bootstrap

    identity = TargetIdentity(target)
    name = f"target {identity.name}"
    try:
        account = identity.labels()["account"]
    except AwsError as exc:
        return Probe(name, False, str(exc))

    def client(service: str) -> Any:
        return bootstrap.target_client(settings, target, service)

    found = probes.metric_probes(client("cloudwatch"), now)
    if target.log_group and settings.aws.usage_source == "pull":
        found.append(probes.log_read_probe(client("logs"), target.log_group, now))
    found.append(probes.pricing_probe(client("bedrock")))
    failed = [probe for probe in found if not probe.ok]
    if failed:
        return Probe(name, False, "; ".join(f"{p.name}: {p.detail}" for p in failed))
    return Probe(name, True, f"account {account}: " + ", ".join(p.name for p in found))
