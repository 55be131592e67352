"""An STS endpoint that refuses AssumeRole on chosen roles and passes the rest to moto.

Point ``AWS_ENDPOINT_URL_STS`` at it: a role in ``refused`` gets the AccessDenied error AWS
sends (the XML of the Query protocol, status 403), so botocore raises the very ClientError a
denied target raises on AWS; every other request is moto's answer, byte for byte.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.support.loopback import loopback_server

DENIED = (
    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
    "<Type>Sender</Type><Code>AccessDenied</Code><Message>User: "
    "arn:aws:iam::123456789012:user/genai-ops is not authorized to perform: sts:AssumeRole "
    "on resource: {role}</Message></Error><RequestId>4e1d-denied</RequestId></ErrorResponse>"
)


@contextmanager
def sts_refusing(moto: str, refused: set[str]) -> Iterator[str]:
    """A loopback STS that denies AssumeRole of the ``refused`` role ARNs."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            form = urllib.parse.parse_qs(body.decode())
            role = form.get("RoleArn", [""])[0]
            if form.get("Action") == ["AssumeRole"] and role in refused:
                self._send(403, DENIED.format(role=role).encode(), "text/xml")
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            request = urllib.request.Request(moto + self.path, body, headers, method="POST")
            try:
                with urllib.request.urlopen(request) as answer:
                    self._send(answer.status, answer.read(), answer.headers["Content-Type"])
            except urllib.error.HTTPError as exc:
                self._send(exc.code, exc.read(), exc.headers["Content-Type"])

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type or "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with loopback_server(Handler) as url:
        yield url
