"""Application inference profiles resolved to their base model (GetInferenceProfile), cached."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from cachetools import TTLCache

from alarms.pricing import plain_model_id
from bot.adapters.aws.errors import AWS_FAILURES, explain

log = logging.getLogger(__name__)

RETRY_FAILED_AFTER_SECONDS = 900.0


class ProfileResolver:
    """Maps an application-inference-profile ARN to the model id it routes to.

    Answers are cached for the life of the process (a profile's model cannot change);
    failures (no permission, throttling) are retried after 15 minutes.
    """

    def __init__(self, bedrock: Any, timer: Callable[[], float] = time.monotonic) -> None:
        self.bedrock = bedrock
        self.api_calls = 0
        self._known: dict[str, str] = {}
        self._failed: TTLCache[str, bool] = TTLCache(
            maxsize=4096, ttl=RETRY_FAILED_AFTER_SECONDS, timer=timer
        )
        self._lock = threading.Lock()

    def __call__(self, arn: str) -> str | None:
        with self._lock:
            if arn in self._known:
                return self._known[arn]
            if arn in self._failed:
                return None
        model = self._fetch(arn)
        with self._lock:
            if model is None:
                self._failed[arn] = True
            else:
                self._known[arn] = model
                self._failed.pop(arn, None)
        return model

    def _fetch(self, arn: str) -> str | None:
        self.api_calls += 1
        try:
            answer = self.bedrock.get_inference_profile(inferenceProfileIdentifier=arn)
        except AWS_FAILURES as exc:
            log.warning(
                "cannot resolve inference profile; its calls stay unpriced until it resolves "
                "or a price override maps it",
                extra={"profile": arn, "reason": str(explain("GetInferenceProfile", exc))},
            )
            return None
        models = [plain_model_id(m.get("modelArn", "")) for m in answer.get("models", [])]
        models = [m for m in models if m and not m.startswith("arn:")]
        return models[0] if models else None
