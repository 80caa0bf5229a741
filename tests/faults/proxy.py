"""A TCP proxy on 127.0.0.1 that a test can take down: every connection cut at once, new ones
refused, optionally as soon as a given number of request bytes has passed through it."""

from __future__ import annotations

import contextlib
import socket
import threading


class FlakyProxy:
    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._up = True
        self._cut_after: int | None = None
        self._sent = 0
        self.cuts = 0
        self._closed = False
        threading.Thread(target=self._accept, daemon=True, name="flaky-proxy").start()

    def cut_after(self, request_bytes: int) -> None:
        """Go down once this many more bytes have travelled towards the server."""
        with self._lock:
            self._sent, self._cut_after = 0, request_bytes

    def down(self) -> None:
        with self._lock:
            self._up = False
            self._cut_after = None
            self.cuts += 1
            sockets, self._open = self._open, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def up(self) -> None:
        with self._lock:
            self._up = True

    def close(self) -> None:
        self._closed = True
        self.down()
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                up = self._up
            if not up:  # the endpoint is down: the connection is dropped at once
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._open += [client, server]
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, upstream: bool) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
                if upstream:
                    with self._lock:
                        self._sent += len(chunk)
                        cut = self._cut_after is not None and self._sent >= self._cut_after
                    if cut:
                        self.down()
                        return
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.close()
