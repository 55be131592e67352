"""DynamoDB as AWS serves it to racing writers: one request at a time, in front of moto.

AWS applies each conditional write atomically; moto checks the condition and writes without
a lock, so two racing writers can both pass. This loopback proxy forwards every request to
moto one at a time, which gives moto DynamoDB's atomicity and nothing else.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

from tests.support.loopback import loopback_server

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


@contextmanager
def serial_dynamodb(moto: str) -> Iterator[str]:
    """A loopback endpoint for DynamoDB that serialises requests to ``moto``."""
    one_at_a_time = threading.Lock()

    class Proxy(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            request = urllib.request.Request(moto + self.path, body, headers, method="POST")
            with one_at_a_time:
                try:
                    with urllib.request.urlopen(request, timeout=60) as answer:
                        status, reply, kept = answer.status, answer.read(), answer.headers
                except urllib.error.HTTPError as failed:
                    status, reply, kept = failed.code, failed.read(), failed.headers
            self.send_response(status)
            for name, value in kept.items():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:
            return

    with loopback_server(Proxy) as url:
        yield url
