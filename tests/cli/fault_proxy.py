"""A fault-injecting HTTP proxy in front of moto, for the follow and wait paths.

The CLI is pointed at the proxy (`AWS_ENDPOINT_URL`), the proxy forwards to moto, and a test
switches faults on and off while the command runs: dropped connections, HTTP 500, throttling
(HTTP 400 ThrottlingException, as the JSON-protocol services answer it), latency and a long
outage (dropping everything for a while). It listens on 127.0.0.1 only, and is bounded: it
stops by itself after `lifetime` seconds or `max_requests` requests, whichever comes first.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

KINDS = ("drop", "500", "throttle", "latency")


@dataclass
class Fault:
    kind: str  # one of KINDS
    until: float | None = None  # monotonic time it ends; None: counted by `left`
    left: int | None = None  # requests it still hits; None: until `until`
    only: str = ""  # hit only requests whose X-Amz-Target contains this ("GetLogEvents")
    delay: float = 0.0  # for "latency"

    def hits(self, target: str) -> bool:
        if self.only and self.only not in target:
            return False
        if self.until is not None and time.monotonic() >= self.until:
            return False
        return self.left is None or self.left > 0


class FaultProxy:
    def __init__(self, upstream: str, *, lifetime: float = 120.0, max_requests: int = 20_000):
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname, parts.port)
        self.lifetime = lifetime
        self.max_requests = max_requests
        self.faults: list[Fault] = []
        self.requests = 0
        self.injected: dict[str, int] = dict.fromkeys(KINDS, 0)
        self.targets: list[str] = []  # X-Amz-Target of every request, in order
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                proxy._handle(self)

            do_GET = do_PUT = do_DELETE = do_HEAD = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True

    # --- control ----------------------------------------------------------------------------
    def inject(
        self,
        kind: str,
        *,
        seconds: float | None = None,
        count: int | None = None,
        only: str = "",
        delay: float = 0.0,
    ) -> None:
        """Hit the next `count` requests, or every request for `seconds`, with `kind`."""
        assert kind in KINDS and (seconds is None) != (count is None)
        until = time.monotonic() + seconds if seconds is not None else None
        with self._lock:
            self.faults.append(Fault(kind, until=until, left=count, only=only, delay=delay))

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()

    def start(self) -> FaultProxy:
        self._thread.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        self._timer.cancel()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- serving ----------------------------------------------------------------------------
    def _fault_for(self, target: str) -> Fault | None:
        with self._lock:
            self.requests += 1
            self.targets.append(target)
            if self.requests > self.max_requests:
                threading.Thread(target=self.stop, daemon=True).start()
                return Fault("drop")
            for fault in self.faults:
                if fault.hits(target):
                    if fault.left is not None:
                        fault.left -= 1
                    self.injected[fault.kind] += 1
                    return fault
        return None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        target = handler.headers.get("X-Amz-Target", "")
        fault = self._fault_for(target)
        if fault is not None and fault.kind == "drop":
            handler.close_connection = True  # no answer at all: the client sees a closed socket
            return
        if fault is not None and fault.kind in ("500", "throttle"):
            code, kind = (
                (500, "InternalFailure")
                if fault.kind == "500"
                else (
                    400,
                    "ThrottlingException",
                )
            )
            self._answer(handler, code, {"__type": kind, "message": "injected by FaultProxy"})
            return
        if fault is not None and fault.kind == "latency":
            time.sleep(fault.delay)
        connection = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() != "host"}
            connection.request(handler.command, handler.path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            handler.send_response(response.status)
            for key, value in response.getheaders():
                if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                    handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (OSError, http.client.HTTPException):
            handler.close_connection = True
        finally:
            connection.close()

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, code: int, document: dict) -> None:
        data = json.dumps(document).encode()
        handler.send_response(code)
        handler.send_header("Content-Type", "application/x-amz-json-1.1")
        handler.send_header("x-amzn-ErrorType", document["__type"])
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def count(self, operation: str) -> int:
        """Requests seen for an operation (matched on X-Amz-Target)."""
        with self._lock:
            return sum(operation in t for t in self.targets)
