"""A local fake of Slack's Socket Mode: a WebSocket server on loopback.

Slack's side of Socket Mode is a WebSocket that the app opens at the URL
``apps.connections.open`` returned; Slack sends envelopes (slash commands, events,
interactivity) and the app acks each with ``{"envelope_id": ...}``, plus a payload when it
answers in the ack. Point the fake Slack Web API's ``apps.connections.open`` at ``url`` (see
``socket_mode_slack``); then ``send`` envelopes and ``wait_ack`` for the app's answers. Pings
are answered with pongs, as Slack does, so the client keeps its connection.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA
ENVELOPES = itertools.count(1)


@dataclass
class Ack:
    seconds: float  # from the envelope sent to its ack received
    payload: dict[str, Any] | None


@dataclass
class FakeSocketMode:
    url: str = ""
    connected: threading.Event = field(default_factory=threading.Event)
    acks: dict[str, Ack] = field(default_factory=dict)
    _sent: dict[str, float] = field(default_factory=dict)
    _conn: socket.socket | None = None
    _send_lock: threading.Lock = field(default_factory=threading.Lock)
    _waiting: dict[str, threading.Event] = field(default_factory=dict)

    def send(self, kind: str, payload: dict[str, Any]) -> str:
        """Send one envelope (``slash_commands``, ``events_api``, ``interactive``); its id."""
        if not self.connected.wait(30) or self._conn is None:
            raise AssertionError("the app did not open the Socket Mode connection")
        envelope_id = f"env-{next(ENVELOPES)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        data = frame(TEXT, json.dumps(envelope).encode())
        self._waiting[envelope_id] = threading.Event()
        with self._send_lock:
            self._sent[envelope_id] = time.perf_counter()
            self._conn.sendall(data)
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 30.0) -> Ack:
        if not self._waiting[envelope_id].wait(timeout):
            raise AssertionError(f"no ack for {envelope_id} within {timeout}s")
        return self.acks[envelope_id]

    def _received(self, text: bytes) -> None:
        received = time.perf_counter()
        message = json.loads(text)
        envelope_id = message.get("envelope_id")
        if envelope_id in self._sent:
            self.acks[envelope_id] = Ack(received - self._sent[envelope_id], message.get("payload"))
            self._waiting[envelope_id].set()

    def _serve(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        if not _handshake(conn, reader):
            return
        self._conn = conn
        conn.sendall(frame(TEXT, json.dumps({"type": "hello", "num_connections": 1}).encode()))
        self.connected.set()
        while (message := read_frame(reader)) is not None:
            opcode, data = message
            if opcode == TEXT:
                self._received(data)
            elif opcode == PING:
                with self._send_lock:
                    conn.sendall(frame(PONG, data))
            elif opcode == CLOSE:
                return


def _handshake(conn: socket.socket, reader: Any) -> bool:
    headers: dict[str, str] = {}
    while (line := reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    key = headers.get("sec-websocket-key")
    if not key:
        return False
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    conn.sendall(
        (
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept}\r\n\r\n"
        ).encode()
    )
    return True


def frame(opcode: int, data: bytes) -> bytes:
    """One unmasked frame, as a server sends them."""
    head = bytes([0x80 | opcode])
    if len(data) < 126:
        return head + bytes([len(data)]) + data
    if len(data) < 1 << 16:
        return head + bytes([126]) + struct.pack("!H", len(data)) + data
    return head + bytes([127]) + struct.pack("!Q", len(data)) + data


def read_frame(reader: Any) -> tuple[int, bytes] | None:
    """One frame from the client (masked, as clients must); None when the socket closed."""
    head = reader.read(2)
    if len(head) < 2:
        return None
    opcode, length = head[0] & 0x0F, head[1] & 0x7F
    if length == 126:
        length = struct.unpack("!H", reader.read(2))[0]
    elif length == 127:
        length = struct.unpack("!Q", reader.read(8))[0]
    mask = reader.read(4) if head[1] & 0x80 else b"\0\0\0\0"
    data = reader.read(length)
    keys = (mask * (length // 4 + 1))[:length]
    plain = int.from_bytes(data, "big") ^ int.from_bytes(keys, "big")
    return opcode, plain.to_bytes(length, "big")


@contextmanager
def serve_fake_socket_mode() -> Iterator[FakeSocketMode]:
    """A FakeSocketMode listening on 127.0.0.1 (free port) until the block ends."""
    fake = FakeSocketMode()
    listener = socket.create_server(("127.0.0.1", 0))
    fake.url = f"ws://127.0.0.1:{listener.getsockname()[1]}/link"

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=fake._serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield fake
    finally:
        listener.close()
        if fake._conn is not None:
            fake._conn.close()
