"""A push service on loopback for the Web Push tests: it does what a browser vendor's push service does with a
message, and checks what a real one would check.

Each subscription is made exactly as a browser makes it (a P-256 key pair and a 16-byte auth secret, with
`cryptography`). A POST to its endpoint must carry `Authorization: vapid t=<JWT>, k=<public key>`: the ES256
signature is verified with that key, `aud` must be this service's origin, `exp` in the future and within 24 hours,
`sub` present. The body is decrypted (RFC 8291, aes128gcm) with the subscription's private key and auth secret,
as the browser would, and kept with its headers. An endpoint can be told to answer something else (410: gone).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    endpoint: str
    headers: dict
    payload: dict | None = None
    error: str | None = None


@dataclass
class BrowserSubscription:
    """The browser's side of a subscription: what PushSubscription.toJSON() gives, and the private parts."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    def to_json(self) -> dict:
        public = self.private_key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": b64url(public), "auth": b64url(self.auth_secret)}}


@dataclass
class PushService:
    origin: str = ""
    subscriptions: dict[str, BrowserSubscription] = field(default_factory=dict)
    answers: dict[str, int] = field(default_factory=dict)  # endpoint -> status to answer instead of 201
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def subscribe(self) -> BrowserSubscription:
        endpoint = f"{self.origin}/push/{secrets.token_urlsafe(12)}"
        subscription = BrowserSubscription(endpoint, ec.generate_private_key(ec.SECP256R1()), secrets.token_bytes(16))
        self.subscriptions[endpoint] = subscription
        return subscription

    def messages(self, endpoint: str | None = None) -> list[Received]:
        with self.lock:
            return [m for m in self.received if endpoint is None or m.endpoint == endpoint]

    def clear(self) -> None:
        with self.lock:
            self.received.clear()
        self.answers.clear()

    # ------------------------------------------------------------ what a push service checks

    def check_vapid(self, authorization: str) -> dict:
        scheme, _, rest = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError(f"not a vapid authorization: {scheme!r}")
        parts = dict(item.strip().split("=", 1) for item in rest.split(","))
        token, key = parts["t"], parts["k"]
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        header_b64, claims_b64, signature_b64 = token.split(".")
        header = json.loads(unb64url(header_b64))
        if header.get("alg") != "ES256":
            raise ValueError(f"JWT alg {header.get('alg')!r}")
        raw = unb64url(signature_b64)
        if len(raw) != 64:
            raise ValueError("ES256 signature is not 64 bytes")
        signature = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        try:
            public_key.verify(signature, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise ValueError("JWT signature does not verify") from None
        claims = json.loads(unb64url(claims_b64))
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud {claims.get('aud')!r} is not {self.origin!r}")
        if not time.time() < int(claims.get("exp", 0)) <= time.time() + 24 * 3600:
            raise ValueError(f"exp {claims.get('exp')!r} not within 24 hours")
        if not claims.get("sub"):
            raise ValueError("no sub claim")
        return claims

    def handle(self, path: str, headers: dict, body: bytes) -> int:
        endpoint = self.origin + path
        subscription = self.subscriptions.get(endpoint)
        if subscription is None:
            return 404
        message = Received(endpoint, headers)
        try:
            message.headers["claims"] = self.check_vapid(headers.get("authorization", ""))
            if headers.get("content-encoding") != "aes128gcm":
                raise ValueError(f"content-encoding {headers.get('content-encoding')!r}")
            if not headers.get("ttl", "").isdigit():
                raise ValueError("no TTL")
            plain = http_ece.decrypt(body, private_key=subscription.private_key,
                                     auth_secret=subscription.auth_secret, version="aes128gcm")
            message.payload = json.loads(plain)
        except (ValueError, KeyError) as error:
            message.error = f"{type(error).__name__}: {error}"
        with self.lock:
            self.received.append(message)
        if message.error:
            return 400
        return self.answers.get(endpoint, 201)


def start(service: PushService) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802  (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status = service.handle(self.path, headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.origin = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def _push_server():
    service = PushService()
    server = start(service)
    yield service
    server.shutdown()


@pytest.fixture
def push_service(_push_server):
    _push_server.clear()
    yield _push_server
    _push_server.clear()


@pytest.fixture
def push_keys(app):
    """The site's VAPID key for this test (as `flask push-keys` or VAPID_PRIVATE_KEY would give it)."""
    key = Vapid()
    key.generate_keys()
    app.config["VAPID_PRIVATE_KEY"] = key.private_pem().decode()
    app.config["VAPID_SUBJECT"] = "mailto:board@test.example"
    yield key
    app.config["VAPID_PRIVATE_KEY"] = None
    app.config["VAPID_SUBJECT"] = None
