"""moto's WSGI app served on 127.0.0.1 over HTTP/1.1 connections that stay open between requests.

moto's own server (werkzeug 3.1's development server) answers every request with `Connection: close`: each API call
is a new TCP connection for the client and a new thread for the emulator, and werkzeug waits up to 10 ms after each
response for a request body it drains. That was a third of a call's CPU on both sides (`benchmarks/results/
profile-rerun.md`). Here a connection keeps its thread: the request's body is read whole (exactly its Content-Length,
or its chunks), the app's answer is buffered and sent with the Content-Length of what is sent, so the next request
on the connection starts where this one ended. The environ is moto's own request handler's (werkzeug's, with the
headers it keeps). Stopping closes every open connection: a client's kept connection never reaches a stopped emulator.
Every request that may change what moto holds is counted once answered, its answer names its count, and `GET
/_meshplane/changes` answers the count (`changes`): a run with nothing new to apply asks it before reading the
deployment back.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
from collections.abc import Iterable

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import ThreadedWSGIServer

from meshplane.local import changes

LOG = logging.getLogger("werkzeug")
HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding"})  # this server decides how the bytes travel
MAX_CHUNK_LINE = 1024  # bytes: a chunk's size line (hex size and extensions)


class BadRequest(Exception):
    """A request body this server cannot read to its end: the connection is closed after the answer."""


class KeptAliveHandler(MotoRequestHandler):
    """moto's request handler, each answer sent whole with its length, and the connection kept unless the client
    closes it."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # an answer is one write: it leaves at once

    def run_wsgi(self) -> None:
        # http.server already answered `Expect: 100-continue` (HTTP/1.1) when it parsed the request
        self.environ = environ = self.make_environ()
        try:
            request = self._body(environ)
        except BadRequest as exc:
            self.close_connection = True
            self._send("400 Bad Request", [("Content-Type", "text/plain")], [str(exc).encode()], environ)
            return
        if environ["PATH_INFO"] == changes.PATH and environ["REQUEST_METHOD"] == "GET":
            mark = json.dumps({"mark": changes.COUNTED.mark()}).encode()
            self._send("200 OK", [("Content-Type", "application/json")], [mark], environ)
            return
        environ["wsgi.input"] = io.BytesIO(request)
        status, headers, body = self._call(environ)
        if changes.may_change(environ, request):  # counted once answered: a mark read while it runs is not the mark after it
            headers = [*headers, (changes.HEADER, str(changes.COUNTED.count()))]
        self._send(status, headers, body, environ)

    def _body(self, environ: dict) -> bytes:
        """The request's whole body: its chunks, or exactly its Content-Length bytes, so nothing of it is left on the
        connection for the next request line."""
        if environ.get("wsgi.input_terminated"):  # Transfer-Encoding: chunked (werkzeug's environ says so)
            return self._chunks()
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise BadRequest(f"Content-Length {environ.get('CONTENT_LENGTH')!r} is not a number") from None
        body = self.rfile.read(length) if length > 0 else b""
        if len(body) != max(length, 0):
            raise BadRequest(f"the body ended after {len(body)} of {length} bytes")
        return body

    def _chunks(self) -> bytes:
        parts = []
        while True:
            line = self.rfile.readline(MAX_CHUNK_LINE)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise BadRequest(f"a chunk's size line is not hexadecimal: {line[:40]!r}") from None
            if size == 0:
                break
            parts.append(self.rfile.read(size))
            if len(parts[-1]) != size or self.rfile.readline(MAX_CHUNK_LINE) not in (b"\r\n", b"\n"):
                raise BadRequest("a chunk ended early")
        while self.rfile.readline(MAX_CHUNK_LINE) not in (b"\r\n", b"\n", b""):  # trailers, then the blank line
            pass
        return b"".join(parts)

    def _call(self, environ: dict) -> tuple[str, list[tuple[str, str]], list[bytes]]:
        """The app's status, headers and body, whole; an app that raises answers 500, as werkzeug's server does."""
        answer: dict = {}
        body: list[bytes] = []

        def start_response(status, headers, exc_info=None):
            if exc_info and answer:
                raise exc_info[1].with_traceback(exc_info[2])
            answer.update(status=status, headers=headers)
            return body.append

        try:
            result: Iterable[bytes] = self.server.app(environ, start_response)
            try:
                body.extend(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        except Exception:
            LOG.exception("Error on request %s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
            return "500 INTERNAL SERVER ERROR", [("Content-Type", "text/plain; charset=utf-8")], [b"Internal Server Error"]
        return answer["status"], answer["headers"], body

    def _send(self, status: str, headers: list[tuple[str, str]], body: list[bytes], environ: dict) -> None:
        """The status line, the headers and the body in one write (two would wait on each other's ACKs)."""
        code_text, _, reason = status.partition(" ")
        code = int(code_text)
        bodiless = environ["REQUEST_METHOD"] == "HEAD" or 100 <= code < 200 or code in (204, 304)
        payload = b"" if bodiless else b"".join(body)
        lines = [f"{self.protocol_version} {code} {reason}", f"Server: {self.version_string()}", f"Date: {self.date_time_string()}"]
        for name, value in headers:
            lowered = name.lower()
            if lowered in HOP_BY_HOP or (lowered == "content-length" and not bodiless):
                continue  # a HEAD answer keeps the app's length: the object's, not of a body sent
            lines.append(f"{name}: {value}")
        if not bodiless:
            lines.append(f"Content-Length: {len(payload)}")
        if self.close_connection:
            lines.append("Connection: close")
        self.wfile.write("\r\n".join(lines).encode("latin-1", "strict") + b"\r\n\r\n" + payload)

    def log_request(self, code="-", size="-") -> None:
        pass  # a line per request otherwise (the emulator's log is quiet)


class KeptAliveServer(ThreadedWSGIServer):
    """A thread per connection, not per request; connections open when it stops are closed then."""

    block_on_close = False  # stopping does not wait for clients to close the connections they keep

    def __init__(self, host: str, port: int, app) -> None:
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(host, port, app, KeptAliveHandler)

    def process_request(self, request, client_address) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every open connection: its thread, blocked reading the next request, sees the end and stops."""
        with self._open_lock:
            kept, self._open = list(self._open), set()
        for connection in kept:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client


class Dispatcher(DomainDispatcherApplication):
    """moto's dispatcher, each host's backend found once: moto matches the host against every service's URL patterns on
    each request (a fifth of its dispatching a read)."""

    def __init__(self) -> None:
        super().__init__(create_backend_app)
        self._backends: dict[str | None, object] = {}

    def get_backend_for_host(self, host: str | None):
        if host not in self._backends:  # moto asks under its lock: one thread at a time
            self._backends[host] = super().get_backend_for_host(host)
        return self._backends[host]


class MotoServer:
    """moto's app on `host:port` (0: a free port) in a thread of this process, as `moto.server.ThreadedMotoServer`."""

    def __init__(self, host: str, port: int = 0):
        self._host, self._port = host, port
        self._server: KeptAliveServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._server = KeptAliveServer(self._host, self._port, Dispatcher())
        self._thread = threading.Thread(target=self._server.serve_forever, name="emulator", daemon=True)
        self._thread.start()

    def get_host_and_port(self) -> tuple[str, int]:
        assert self._server is not None, "start() first"
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()  # no new connection is accepted
        self._server.close_connections()
        if self._thread is not None:
            self._thread.join()
        self._server = None
