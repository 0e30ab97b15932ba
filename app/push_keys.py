"""The site's VAPID key pair for Web Push: read from VAPID_PRIVATE_KEY or the file `flask push-keys` writes (like the
development secret key in instance/). Without a key, push is not offered; /healthz says so."""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import current_app
from py_vapid import Vapid


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def vapid() -> Vapid | None:
    """The site's VAPID key: VAPID_PRIVATE_KEY (PEM, or base64url raw/DER) or the file `flask push-keys` wrote."""
    configured = current_app.config.get("VAPID_PRIVATE_KEY") or ""
    if not configured:
        path = Path(current_app.config["VAPID_KEY_FILE"])
        configured = path.read_text() if path.is_file() else ""
    if not configured.strip():
        return None
    if "BEGIN" in configured:
        return Vapid.from_pem(configured.encode())
    return Vapid.from_string(configured.strip())


def public_key() -> str | None:
    """The applicationServerKey the browser subscribes with (uncompressed P-256 point, base64url); None: no push."""
    key = vapid()
    if key is None:
        return None
    return b64url(key.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))


def write_keys(path: Path) -> str:
    """Generate a key pair into `path` (once: refuses to replace one, every device would have to subscribe anew)."""
    if path.exists():
        raise FileExistsError(str(path))
    key = Vapid()
    key.generate_keys()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.private_pem())
    path.chmod(0o600)
    return b64url(key.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))
