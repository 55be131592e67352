"""A light HTTP client for timing acks: a burst of signed requests from one thread.

Slack's servers send our requests from machines of their own; the benchmark's client shares
the bot's two cores. A client of 50 threads, each building, signing and parsing its request
through urllib, spends as much CPU per request as the bot does to ack it, and every reply
then waits for its thread's turn at the client's interpreter lock: the client's own queue
was most of what it timed. Here the requests are built and signed before the clock starts,
and one thread opens every connection, writes each request and reads each reply with a
selector, so a reply is timed when its last byte arrives.
"""

from __future__ import annotations

import selectors
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tests.support.signing import signed_headers

TIMEOUT_SECONDS = 30.0


def prepared(url: str, body: str, content_type: str, extra: dict[str, str] | None = None) -> bytes:
    """The bytes of one signed POST of ``body`` to ``url`` (connection closed after)."""
    parts = urlsplit(url)
    data = body.encode()
    headers = {
        "Host": parts.netloc,
        **signed_headers(body, content_type),
        **(extra or {}),
        "Content-Length": str(len(data)),
        "Connection": "close",
    }
    head = f"POST {parts.path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode() + b"\r\n" + data


@dataclass
class _Exchange:
    request: bytes
    started: float
    sent: int = 0
    reply: bytearray = field(default_factory=bytearray)
    seconds: float = 0.0


def burst(url: str, requests: list[bytes]) -> list[float]:
    """Send every request at once; the seconds from each one's connect to its whole reply.

    Raises RuntimeError when a reply is not 2xx or does not come within 30 s.
    """
    parts = urlsplit(url)
    address = (parts.hostname or "127.0.0.1", parts.port or 80)
    selector = selectors.DefaultSelector()
    exchanges: list[_Exchange] = []
    for request in requests:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        exchange = _Exchange(request, time.perf_counter())
        sock.connect_ex(address)
        selector.register(sock, selectors.EVENT_WRITE, exchange)
        exchanges.append(exchange)
    open_ = len(exchanges)
    deadline = time.perf_counter() + TIMEOUT_SECONDS
    try:
        while open_:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{open_} of {len(requests)} requests got no reply in 30 s")
            for key, events in selector.select(timeout=1.0):
                sock, exchange = key.fileobj, key.data
                assert isinstance(sock, socket.socket) and isinstance(exchange, _Exchange)
                if events & selectors.EVENT_WRITE:
                    exchange.sent += sock.send(exchange.request[exchange.sent :])
                    if exchange.sent == len(exchange.request):
                        selector.modify(sock, selectors.EVENT_READ, exchange)
                    continue
                chunk = sock.recv(65536)
                if chunk:
                    exchange.reply += chunk
                    continue
                exchange.seconds = time.perf_counter() - exchange.started
                selector.unregister(sock)
                sock.close()
                open_ -= 1
    finally:
        for key in list(selector.get_map().values()):
            key.fileobj.close()  # type: ignore[union-attr]
        selector.close()
    for number, exchange in enumerate(exchanges):
        status = bytes(exchange.reply[9:12])
        if not status.startswith(b"2"):
            raise RuntimeError(f"request {number} was answered {status.decode(errors='replace')}")
    return [exchange.seconds for exchange in exchanges]
