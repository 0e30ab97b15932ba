"""Web Push as a notification channel: the site's VAPID keys, a person's devices and which kinds go to them.

Sending lives in app.services.push_delivery (the worker's part). Without VAPID keys push is simply not offered.
"""

from __future__ import annotations

import binascii
import ipaddress
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session

from app import policy, push_keys, site
from app.database import insert_if_absent
from app.extensions import db
from app.models.notification import Notification
from app.models.push import PUSH_KINDS, PushChoice, PushSubscription
from app.models.types import utcnow
from app.models.user import User
from app.services.errors import DomainError

log = logging.getLogger(__name__)
MAX_DEVICES = 20  # per person: more is a script, not a person's phones and laptops
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class InvalidSubscription(DomainError):
    """What the browser sent is not a push subscription we can use."""


def subject() -> str:
    """Who runs this push sender (the VAPID `sub`): VAPID_SUBJECT, else a mailto: of the site's address."""
    configured = current_app.config.get("VAPID_SUBJECT")
    if configured:
        return configured
    address = site.get("contact_email") or current_app.config["MAIL_FROM"]
    address = re.sub(r".*<([^>]+)>.*", r"\1", address)
    return f"mailto:{address}"


# ---------------------------------------------------------------- keys and devices


b64url_decode = push_keys.b64url_decode
vapid, public_key = push_keys.vapid, push_keys.public_key



@dataclass
class NewSubscription:
    endpoint: str
    p256dh: str
    auth: str


def parse_subscription(data: object) -> NewSubscription:
    """Check the JSON of PushSubscription.toJSON(): an https endpoint of a push service, a P-256 public key and a
    16-byte auth secret. Anything else raises InvalidSubscription (a 400, never a 500)."""
    if not isinstance(data, dict):
        raise InvalidSubscription(_("This is not a push subscription."))
    endpoint, keys = data.get("endpoint"), data.get("keys")
    if not isinstance(endpoint, str) or not isinstance(keys, dict) or not 0 < len(endpoint) <= 1000:
        raise InvalidSubscription(_("This is not a push subscription."))
    _check_endpoint(endpoint)
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not isinstance(p256dh, str) or not isinstance(auth, str) or len(p256dh) > 200 or len(auth) > 100:
        raise InvalidSubscription(_("The subscription's keys are missing."))
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(p256dh))
        auth_ok = len(b64url_decode(auth)) == 16
    except (ValueError, binascii.Error):
        auth_ok = False
    if not auth_ok:
        raise InvalidSubscription(_("The subscription's keys are not valid."))
    return NewSubscription(endpoint, p256dh, auth)


def _check_endpoint(endpoint: str) -> None:
    """Push services are public https servers. The worker POSTs to this address, so it must not point into our own
    network (a loopback http:// address only where PUSH_ALLOW_LOOPBACK is set: the tests' push service)."""
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018  (raises on a junk port)
    except ValueError:
        raise InvalidSubscription(_("This is not a push subscription.")) from None
    if current_app.config["PUSH_ALLOW_LOOPBACK"] and parts.scheme in ("http", "https") and host in LOOPBACK_HOSTS:
        return
    if parts.scheme != "https" or not host or host in LOOPBACK_HOSTS or host.endswith((".local", ".internal")):
        raise InvalidSubscription(_("Only push services reached over https are accepted."))
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return  # a name: the browser vendor's push service
    if not address.is_global:
        raise InvalidSubscription(_("Only push services reached over https are accepted."))


def device_key(user_agent: str) -> str:
    """What is stored of the browser: "Chrome|Android" (either may be empty), in no language: the page names it in
    the reader's (`device_name`)."""
    agent = user_agent or ""
    browsers = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"), ("Firefox/", "Firefox"),
                ("FxiOS", "Firefox"), ("CriOS", "Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
    systems = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
               ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))
    browser = next((name for token, name in browsers if token in agent), None)
    system = next((name for token, name in systems if token in agent), None)
    return f"{browser or ''}|{system or ''}"


def device_name(key: str) -> str:
    """A short name the person recognises their device by, in their language: "Chrome on Android"."""
    browser, _bar, system = (key or "").partition("|")
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown browser")


def device_label(user_agent: str) -> str:
    return device_name(device_key(user_agent))


def subscribe(user: User, subscription: NewSubscription, user_agent: str) -> PushSubscription:
    """Store this browser as one of the person's devices (again is fine; a browser that was another person's
    before is theirs now: whoever is logged in on it gets its messages)."""
    count = db.session.scalar(select(func.count()).select_from(PushSubscription).where(
        PushSubscription.user_id == user.id, PushSubscription.endpoint != subscription.endpoint)) or 0
    if count >= MAX_DEVICES:
        raise InvalidSubscription(_("You have too many devices; remove one first."))
    label = device_key(user_agent)
    insert_if_absent(PushSubscription, user_id=user.id, endpoint=subscription.endpoint, p256dh=subscription.p256dh,
                     auth=subscription.auth, device=label, created_at=utcnow(), failures=0)
    row = db.session.scalars(select(PushSubscription).where(
        PushSubscription.endpoint == subscription.endpoint).execution_options(populate_existing=True)).one()
    row.user_id, row.p256dh, row.auth, row.device, row.failures = (
        user.id, subscription.p256dh, subscription.auth, label, 0)
    insert_if_absent(PushChoice, user_id=user.id, **DEFAULT_CHOICES)
    log.info("user %s enabled push on device %s (%s)", user.id, row.id, label)
    return row


def devices(user: User) -> list[PushSubscription]:
    return list(db.session.scalars(select(PushSubscription).where(policy.own_push_devices(user))
                                   .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())))


def remove_device(user: User, subscription_id: int) -> bool:
    """Forget one of the person's devices (someone else's is not found: the view answers 404)."""
    result = db.session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id,
                                                               policy.own_push_devices(user)))
    removed = bool(getattr(result, "rowcount", 0))
    if removed:
        log.info("user %s removed push device %s", user.id, subscription_id)
    return removed


def forget_at_logout(user: User, device_id: object) -> None:
    """Logging out ends push on that browser too: the next person at a shared computer gets nobody's notices."""
    if isinstance(device_id, int):
        remove_device(user, device_id)


# ---------------------------------------------------------------- which kinds


DEFAULT_CHOICES = {"replies": True, "followed": False, "events": False, "applications": False}


def choices(user: User) -> dict[str, bool]:
    row = db.session.get(PushChoice, user.id)
    return {kind: getattr(row, kind) for kind in PUSH_KINDS} if row else dict(DEFAULT_CHOICES)


def set_choices(user: User, chosen: dict[str, bool]) -> None:
    """Store which kinds go to push (a kind left out keeps its choice)."""
    insert_if_absent(PushChoice, user_id=user.id, **DEFAULT_CHOICES)
    row = db.session.get(PushChoice, user.id, populate_existing=True)
    for kind, on in chosen.items():
        if kind in PUSH_KINDS:
            setattr(row, kind, bool(on))
    log.info("user %s chose push for %s", user.id, ", ".join(k for k, on in chosen.items() if on) or "nothing")


# ---------------------------------------------------------------- after a commit


def _after_flush(session: Session, _context) -> None:
    """A notification written in this transaction: after the commit the worker is asked to push (app/__init__)."""
    if any(isinstance(item, Notification) for item in session.new):
        session.info["push_due"] = True


def _after_execute(state) -> None:
    if state.is_insert and getattr(state.statement, "table", None) is Notification.__table__:
        state.session.info["push_due"] = True


def push_due(session: Session) -> bool:
    """Whether the transaction just committed wrote notifications (asked once: the answer is then forgotten)."""
    return bool(session.info.pop("push_due", False))


def register() -> None:
    """Called by create_app: on the Session class, so notifications written anywhere are noticed."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _after_execute)
