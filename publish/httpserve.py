"""An HTTP server that idle or slow connections cannot starve: the preview's transport.

The standard `ThreadingHTTPServer` starts one thread per connection and waits on each
without a deadline, so a few thousand half-open connections stop it answering. Here a
connection waits in a selector, holding no thread, until its request starts to arrive;
only then does one of a fixed number of workers serve it, with a socket timeout for the
rest of the request. A connection that sends nothing within `IDLE_SECONDS` is closed.

A handler may keep its connection as a server-sent-event stream (`EventStreams`): the
worker returns to the pool and the stream is one socket among `MAX_STREAMS`, written to
only when there is an event, so open pages waiting for a reload hold no worker.
"""

from __future__ import annotations

import contextlib
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
MAX_STREAMS = 64
"""Event streams open at once. Each is a socket and no thread; a browser opens at most six
connections to one server, so this is room for several browsers; one more is refused."""


class EventStreams:
    """Kept connections that receive server-sent events, with no thread each.

    `publish` sends one event to every stream (a new stream gets the last one first);
    a stream whose client closes it is dropped when `reap` sees it readable (an event
    stream's client sends nothing after its request), and one that stops reading is
    dropped when its socket buffer is full rather than blocking the others.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: set[socket.socket] = set()
        self._open = selectors.DefaultSelector()
        self._last = b""
        self._closed = False

    def reserve(self, connection: socket.socket) -> bool:
        """Hold `connection` open after its request (False when `MAX_STREAMS` are open)."""
        with self._lock:
            if self._closed or len(self._held) >= MAX_STREAMS:
                return False
            self._held.add(connection)
        return True

    def holds(self, connection: socket.socket) -> bool:
        with self._lock:
            return connection in self._held

    def start(self, connection: socket.socket, retry_ms: int) -> None:
        """After the response head: the reconnection delay, the last event, then every next."""
        with self._lock:
            if self._closed:
                return
            try:
                connection.sendall(f"retry: {retry_ms}\n".encode() + self._last)
                connection.setblocking(False)
                self._open.register(connection, selectors.EVENT_READ)
            except OSError:
                self._drop(connection)

    def publish(self, data: str) -> None:
        """Send `data` (one line) as an event to every open stream."""
        event = f"data: {data}\n\n".encode()
        with self._lock:
            self._last = event
            if self._closed:
                return
            for key in list(self._open.get_map().values()):
                connection: socket.socket = key.fileobj  # type: ignore[assignment]
                try:
                    if connection.send(event) == len(event):
                        continue
                except OSError:
                    pass
                self._drop(connection)  # gone, or not reading: a partial event is no event

    def reap(self) -> None:
        """Close the streams whose clients closed them (or sent what a stream never reads)."""
        with self._lock:
            if self._closed:
                return
            for key, _ in self._open.select(timeout=0):
                self._drop(key.fileobj)  # type: ignore[arg-type]

    def drop(self, connection: socket.socket) -> None:
        """Close one stream (one whose response head could not be sent)."""
        with self._lock:
            self._drop(connection)

    def close(self) -> None:
        """Close every stream; from now on none is kept and events go nowhere."""
        with self._lock:
            self._closed = True
            for connection in list(self._held):
                self._drop(connection)
            self._open.close()

    def _drop(self, connection: socket.socket) -> None:
        if connection in self._open.get_map():
            self._open.unregister(connection)
        self._held.discard(connection)
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
        connection.close()


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
        self.streams = EventStreams()
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
            self.streams.reap()

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
            if not self.streams.holds(request):
                self.shutdown_request(request)

    def server_close(self) -> None:
        if not hasattr(self, "_waiter"):  # the address could not be bound: nothing started
            super().server_close()
            return
        self._closed.set()
        self._waiter.join(timeout=2)
        with self._lock:
            parked = list(self._waiting.get_map().values())
            for key in parked:
                self._waiting.unregister(key.fileobj)
        for key in parked:
            self.shutdown_request(key.fileobj)  # type: ignore[arg-type]
        self._waiting.close()
        self.streams.close()
        self._pool.shutdown(wait=False, cancel_futures=True)
        super().server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that vanished or stalled is not an error worth a traceback."""
