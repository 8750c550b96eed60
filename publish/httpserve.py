"""An HTTP server that idle or slow connections cannot starve: the preview's transport.

The standard `ThreadingHTTPServer` starts one thread per connection and waits on each
without a deadline, so a few thousand half-open connections stop it answering. Here a
connection waits in a selector, holding no thread, until its request starts to arrive;
only then does one of a fixed number of workers serve it, with a socket timeout for the
rest of the request. A connection that sends nothing within `IDLE_SECONDS` is closed.
"""

from __future__ import annotations

import selectors
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import HTTPServer
from typing import Any

WORKERS = 8
"""Requests served at once; the rest wait in the selector, costing no thread."""
IDLE_SECONDS = 10.0
"""How long a connection may stay open without sending a request."""
REQUEST_SECONDS = 10.0
"""Socket timeout while a request is read and answered (a client that stalls midway)."""


class BoundedHTTPServer(HTTPServer):
    """`HTTPServer` with a fixed pool of workers fed by a selector of waiting connections."""

    request_queue_size = 256
    """Connections the kernel holds before they are accepted (the default, 5, makes a
    burst of clients wait for retransmitted handshakes)."""

    def __init__(self, address: tuple[str, int], handler: type[Any]) -> None:
        super().__init__(address, handler)
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="preview-http")
        self._waiting = selectors.DefaultSelector()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._waiter = threading.Thread(
            target=self._hand_over, name="preview-http-wait", daemon=True
        )
        self._waiter.start()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Park the connection until it has something to read."""
        with self._lock:
            self._waiting.register(
                request, selectors.EVENT_READ, (client_address, time.monotonic())
            )

    def _hand_over(self) -> None:
        while not self._closed.is_set():
            for key, _ in self._waiting.select(timeout=0.2):
                with self._lock:
                    self._waiting.unregister(key.fileobj)
                connection: socket.socket = key.fileobj  # type: ignore[assignment]
                connection.settimeout(REQUEST_SECONDS)
                self._pool.submit(self._serve, connection, key.data[0])
            self._close_idle()

    def _close_idle(self) -> None:
        deadline = time.monotonic() - IDLE_SECONDS
        with self._lock:
            idle = [k for k in self._waiting.get_map().values() if k.data[1] < deadline]
            for key in idle:
                self._waiting.unregister(key.fileobj)
        for key in idle:
            self.shutdown_request(key.fileobj)  # type: ignore[arg-type]

    def _serve(self, request: socket.socket, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def server_close(self) -> None:
        self._closed.set()
        self._waiter.join(timeout=2)
        with self._lock:
            parked = list(self._waiting.get_map().values())
            for key in parked:
                self._waiting.unregister(key.fileobj)
        for key in parked:
            self.shutdown_request(key.fileobj)  # type: ignore[arg-type]
        self._waiting.close()
        self._pool.shutdown(wait=False, cancel_futures=True)
        super().server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that vanished or stalled is not an error worth a traceback."""
