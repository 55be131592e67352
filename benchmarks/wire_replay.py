"""Record an AWS client's answers at the wire, and serve them again without the service.

``Recorder`` keeps every HTTP answer a botocore client receives (status, headers, raw body:
CloudWatch answers in CBOR) in call order. ``replaying`` makes a client answer each call with
the next recorded answer of the same operation, before anything is sent: botocore still
serialises, signs and parses, so the time measured is the client's and the bot's own work,
without the service's (moto's GetMetricData scans every stored datapoint for every query).
A call the recording does not hold fails loudly: the bot changed, record again.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from botocore.awsrequest import AWSResponse

KEEP_HEADERS = ("content-type", "smithy-protocol", "x-amzn-query-mode")


class Recorder:
    """Attach to a client with ``Recorder(client)``; ``calls`` holds what it received."""

    def __init__(self, client: Any) -> None:
        self.calls: list[dict[str, Any]] = []
        client.meta.events.register("before-parse", self._keep)

    def _keep(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        headers = {k.lower(): v for k, v in response_dict["headers"].items()}
        self.calls.append(
            {
                "operation": operation_model.name,
                "status": response_dict["status_code"],
                "headers": {k: headers[k] for k in KEEP_HEADERS if k in headers},
                "body": base64.b64encode(response_dict["body"]).decode(),
            }
        )


def save(path: Path, recording: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(json.dumps(recording).encode(), mtime=0))


def load(path: Path) -> dict[str, Any]:
    return json.loads(gzip.decompress(path.read_bytes()))


class _Body:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


class Replay:
    """Answers a client's calls from ``calls``, in order; ``served`` counts what was asked."""

    def __init__(self, client: Any, calls: list[dict[str, Any]]) -> None:
        self.calls = [dict(call, raw=base64.b64decode(call["body"])) for call in calls]
        self.served = 0
        client.meta.events.register("before-send", self._answer)
        self._operation = ""
        client.meta.events.register("before-call", self._note)

    def finished(self) -> None:
        """Raise unless every recorded answer was asked for (fewer calls: record again)."""
        if self.served != len(self.calls):
            raise RuntimeError(
                f"{len(self.calls) - self.served} recorded answers never asked for: record again"
            )

    def _note(self, model: Any, **_: Any) -> None:
        self._operation = model.name

    def _answer(self, request: Any, **_: Any) -> AWSResponse:
        if self.served >= len(self.calls):
            raise RuntimeError(f"recording exhausted at {self._operation}: record again")
        call = self.calls[self.served]
        if call["operation"] != self._operation:
            raise RuntimeError(
                f"call {self.served} is {self._operation}, the recording has "
                f"{call['operation']}: the bot's calls changed, record again"
            )
        self.served += 1
        return AWSResponse(request.url, call["status"], call["headers"], _Body(call["raw"]))
