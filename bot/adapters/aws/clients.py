"""boto3 clients with timeouts and retries sized to the poll, and the region boto3 will use.

botocore's defaults (60 s connect and read timeouts, 3 to 5 attempts) let one endpoint that
accepts connections and never answers hold a poll cycle for minutes: three calls of a cycle
took 541 s. Here every control-plane call gets at most ``ATTEMPTS`` tries of ``CONNECT_SECONDS``
to connect and ``read_seconds`` between bytes, so a hung endpoint costs seconds per call and a
whole poll cycle (at most three calls that can hang, each check on its own) stays well inside
both the poll interval and the poller function's Lambda timeout.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from botocore.config import Config

CONNECT_SECONDS = 3
ATTEMPTS = 2  # the first try and one retry (botocore's standard retry mode)
MIN_READ_SECONDS = 3
MAX_READ_SECONDS = 10


def read_seconds(interval_seconds: int = 300) -> int:
    """Seconds to wait for an answer: 1% of the poll interval, within 3 to 10 s.

    At the default 5-minute interval that is 3 s, so a call to an endpoint that accepts the
    connection and never answers costs ``ATTEMPTS * 3`` s plus at most 1 s of backoff, and a
    poll cycle about 20 s (measured: 19 s); a real GetMetricData answers well within it."""
    return max(MIN_READ_SECONDS, min(MAX_READ_SECONDS, interval_seconds // 100))


def client_config(interval_seconds: int = 300, read_timeout: int | None = None) -> Config:
    """The botocore Config every bot client uses (except Converse, which has its own)."""
    return Config(
        connect_timeout=CONNECT_SECONDS,
        read_timeout=read_timeout or read_seconds(interval_seconds),
        retries={"total_max_attempts": ATTEMPTS, "mode": "standard"},
    )


def aws_client(
    service: str,
    *,
    region: str | None = None,
    interval_seconds: int = 300,
    read_timeout: int | None = None,
    **kwargs: Any,
) -> Any:
    """A boto3 client for ``service`` with the bot's timeouts (``AWS_REGION`` honoured)."""
    use_aws_region()
    config = client_config(interval_seconds, read_timeout)
    return boto3.client(service, region_name=region, config=config, **kwargs)


def use_aws_region() -> str | None:
    """Let ``AWS_REGION`` set boto3's region when ``AWS_DEFAULT_REGION`` is unset.

    boto3 reads only ``AWS_DEFAULT_REGION`` (or the profile's region); Lambda sets both, and
    many people export ``AWS_REGION`` alone. Returns the region boto3 will now use, if any."""
    given = os.environ.get("AWS_REGION")
    if given and not os.environ.get("AWS_DEFAULT_REGION"):
        os.environ["AWS_DEFAULT_REGION"] = given
    return boto3.session.Session().region_name
