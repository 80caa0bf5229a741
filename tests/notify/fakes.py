"""Local stand-ins for the providers: an HTTP endpoint (Aliyun's and Tencent's SMS APIs,
WeCom's) and an SMTP server with or without implicit TLS, each on a free port of 127.0.0.1.

The real SDKs talk to them over the network exactly as they would to the provider (only the
endpoint differs), so a test sees the request the provider would see.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import socketserver
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8")).items()}

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def params(self) -> dict[str, str]:
        """Query and form fields together (an RPC call may put them in either)."""
        out = dict(self.query)
        if self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            out.update(self.form)
        return out

    @property
    def raw(self) -> str:
        """Everything the provider received, decoded: the place to look for free text."""
        from urllib.parse import unquote_plus

        head = unquote_plus(self.path)
        return head + "\n" + unquote_plus(self.body.decode("utf-8", "replace"))


Responder = Callable[[Request], tuple[int, Any]]


@dataclass
class FakeHttp:
    url: str
    requests: list[Request] = field(default_factory=list)
    respond: Responder = lambda request: (200, {})

    def reset(self) -> None:
        self.requests.clear()


@contextmanager
def fake_http(respond: Responder | None = None) -> Iterator[FakeHttp]:
    fake = FakeHttp(url="")
    if respond is not None:
        fake.respond = respond

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            request = Request(
                method=self.command,
                path=self.path,
                query={k: v[0] for k, v in parse_qs(parts.query).items()},
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            fake.requests.append(request)
            status, payload = fake.respond(request)
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


# --- SMTP -------------------------------------------------------------------------------------


@dataclass
class Mailbox:
    port: int
    tls: bool
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)

    def messages(self) -> list[Message]:
        return [
            message_from_bytes(data, policy=policy.default)
            for _sender, _rcpts, data in self.received
        ]


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 / localhost and its key (PEM files)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@contextmanager
def smtp_server(tls_files: tuple[Path, Path] | None = None) -> Iterator[Mailbox]:
    """A small SMTP server (EHLO, AUTH PLAIN/LOGIN accepted, MAIL, RCPT, DATA, QUIT); with
    `tls_files` it speaks SMTPS (TLS from the first byte, as on port 465)."""
    context = None
    if tls_files is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*map(str, tls_files))

    box = Mailbox(port=0, tls=context is not None)

    class Handler(socketserver.StreamRequestHandler):
        def setup(self) -> None:
            if context is not None:
                self.request = context.wrap_socket(self.request, server_side=True)
            super().setup()

        def finish(self) -> None:
            super().finish()
            if context is not None:
                self.request.close()  # the TLS socket this handler made

        def say(self, line: str) -> None:
            self.wfile.write((line + "\r\n").encode())
            self.wfile.flush()

        def handle(self) -> None:
            self.say("220 fake ESMTP")
            sender, recipients = "", []
            while True:
                raw = self.rfile.readline()
                if not raw:
                    return
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                verb = line.split(" ", 1)[0].upper()
                box.commands.append(verb)
                if verb in ("EHLO", "HELO"):
                    self.wfile.write(b"250-fake\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n")
                    self.wfile.flush()
                elif verb == "AUTH":
                    self.say("235 ok")
                elif verb == "MAIL":
                    sender = line.split(":", 1)[1].strip()
                    self.say("250 ok")
                elif verb == "RCPT":
                    recipients.append(line.split(":", 1)[1].strip())
                    self.say("250 ok")
                elif verb == "DATA":
                    self.say("354 go on")
                    data = bytearray()
                    while True:
                        chunk = self.rfile.readline()
                        if chunk in (b".\r\n", b".\n", b""):
                            break
                        data += chunk[1:] if chunk.startswith(b"..") else chunk
                    box.received.append((sender, recipients, bytes(data)))
                    sender, recipients = "", []
                    self.say("250 queued")
                elif verb == "QUIT":
                    self.say("221 bye")
                    return
                else:
                    self.say("250 ok")

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True
        address_family = socket.AF_INET

    server = Server(("127.0.0.1", 0), Handler)
    box.port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()
