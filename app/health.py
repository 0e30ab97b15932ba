"""What `/healthz` reports: each dependency checked with its own short timeout, so the check never hangs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis
from flask import current_app

from app import push_keys, queue, storage
from app.database import ping

OK, UNAVAILABLE, NOT_CONFIGURED = "ok", "unavailable", "not configured"


def database() -> str:
    return OK if ping() else UNAVAILABLE


def redis_state() -> str:
    url = current_app.config["REDIS_URL"]
    if not url:
        return NOT_CONFIGURED
    seconds = current_app.config["REDIS_TIMEOUT"]
    client = redis.Redis.from_url(url, socket_connect_timeout=seconds, socket_timeout=seconds)
    try:
        client.ping()
    except (redis.RedisError, OSError):
        return UNAVAILABLE
    finally:
        client.close()
    return OK


def storage_state() -> str:
    """Local folder writable, or the bucket answering (each call bounded by STORAGE_TIMEOUT)."""
    try:
        storage.current().ping()
    except storage.StorageUnavailable:
        return UNAVAILABLE
    return OK


def worker_state() -> str:
    """The worker's heartbeat (a periodic job every minute): "ok" when seen in the last 3 minutes."""
    if current_app.config["JOBS_IMMEDIATE"]:
        return "inline"
    try:
        last = queue.last_runs().get("heartbeat")
    except (redis.RedisError, OSError):
        return UNAVAILABLE
    if last is None:
        return "no heartbeat"
    started = datetime.fromisoformat(last[0])
    return OK if datetime.now(UTC) - started < timedelta(minutes=3) else "no heartbeat"


def push_state() -> str:
    """Whether Web Push is offered (the VAPID key is set up: `flask push-keys`)."""
    try:
        return OK if push_keys.public_key() else NOT_CONFIGURED
    except (OSError, ValueError):
        return UNAVAILABLE  # a key file that cannot be read or parsed


def report() -> tuple[dict[str, str], int]:
    """The state of each dependency and the HTTP status: 503 only when the site cannot serve (no database);
    without Redis it serves, slower and with per-process rate limits; without the file store it serves all but
    files ("degraded")."""
    states = {"database": database(), "redis": redis_state(), "worker": worker_state(), "storage": storage_state(),
              "push": push_state()}
    if states["database"] != OK:
        return {"status": "unavailable", **states}, 503
    degraded = any(state in (UNAVAILABLE, "no heartbeat") for state in states.values())
    return {"status": "degraded" if degraded else "ok", **states}, 200
