"""X-Ray tracing on Lambda: one subsegment per AWS call (Bedrock, CloudWatch, DynamoDB...)
and per Slack Web API call, so a slow ask or poll shows where its time went.

The X-Ray SDK is imported only on Lambda with active tracing (``_X_AMZN_TRACE_ID`` set), so
local runs and cold starts without tracing pay nothing. ``patch`` covers botocore (every
boto3 call) and ``httplib`` (slack_sdk's urllib calls to the Slack Web API).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_recorder: Any = None


def on_lambda_with_tracing() -> bool:
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME") and os.environ.get("_X_AMZN_TRACE_ID"))


def start_tracing() -> bool:
    """Patch botocore and http.client once per process; True when tracing is on."""
    global _recorder
    if _recorder is not None:
        return True
    if not on_lambda_with_tracing():
        return False
    from aws_xray_sdk.core import patch, xray_recorder

    # On Lambda the SDK streams each closed subsegment at once (threshold 0): keep that.
    xray_recorder.configure(service="genai-ops-bot", context_missing="LOG_ERROR")
    patch(("botocore", "httplib"))
    _recorder = xray_recorder
    return True


@contextmanager
def subsegment(name: str, **annotations: str | int) -> Iterator[None]:
    """A named X-Ray subsegment (with searchable annotations); a no-op without tracing."""
    if _recorder is None:
        yield
        return
    with _recorder.in_subsegment(name) as segment:
        for key, value in annotations.items():
            if segment is not None:
                segment.put_annotation(key, value)
        yield
