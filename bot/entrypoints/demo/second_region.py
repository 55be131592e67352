"""The demo's second region: the same account watched in us-east-1 and us-west-2.

Unless the settings name targets, the demo watches one target, ``demo``, in both regions of
the embedded AWS; us-west-2 runs a smaller fleet whose Nova Pro latency triples in the last
30 minutes (and stays high through the demo's later polls), so one alert comes from each
region, each labelled with its account and region. Invocation logging is on in us-west-2 too,
with the demo's records all written in us-east-1, so spend comes from logs in both regions
rather than from an estimate for one of them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import boto3

from bot.config.settings import Settings
from bot.config.targets import AwsTarget
from bot.entrypoints.demo.seed import Incident, ModelProfile, seed_fleet
from bot.entrypoints.demo.usage import GROUP, ROLE

HOME_REGION, SECOND_REGION = "us-east-1", "us-west-2"
WEST_MODEL = "amazon.nova-pro-v1:0"
WEST_FLEET = (
    ModelProfile(WEST_MODEL, 150, 1300, jitter=0.05),
    ModelProfile("anthropic.claude-3-haiku-20240307-v1:0", 200, 650, jitter=0.05),
)
HOURS = 6  # the demo's look-back: enough for a baseline, quick for moto


def with_demo_targets(settings: Settings) -> Settings:
    """Unless targets are configured, one target ``demo`` in the two demo regions."""
    if settings.aws.targets:
        return settings
    target = AwsTarget(name="demo", regions=(HOME_REGION, SECOND_REGION))
    return settings.model_copy(
        update={"aws": settings.aws.model_copy(update={"targets": (target,)})}
    )


def seed_second_region(endpoint: str, end: datetime, period_seconds: int) -> int:
    """Seed us-west-2 up to 20 minutes past ``end`` (the demo's last poll); the latency
    incident starts 30 minutes before ``end`` and lasts past it."""
    cloudwatch = boto3.client("cloudwatch", endpoint_url=endpoint, region_name=SECOND_REGION)
    logs = boto3.client("logs", endpoint_url=endpoint, region_name=SECOND_REGION)
    logs.create_log_group(logGroupName=GROUP)
    bedrock = boto3.client("bedrock", endpoint_url=endpoint, region_name=SECOND_REGION)
    bedrock.put_model_invocation_logging_configuration(
        loggingConfig={"cloudWatchConfig": {"logGroupName": GROUP, "roleArn": ROLE}}
    )
    last = end + timedelta(minutes=20)
    spike = Incident(WEST_MODEL, end - timedelta(minutes=30), last, latency_factor=3.0)
    hours = HOURS + 20 / 60
    return seed_fleet(
        cloudwatch, last, WEST_FLEET, [spike], hours=hours, period_seconds=period_seconds
    )
