"""Start and stop gunicorn serving bench.server:app on a free loopback port."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench.ping import PING_PATH

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 60  # seconds: each worker imports the whole app before it answers


def free_port() -> int:
    """A port the kernel just handed out; gunicorn binds it a moment later (a race we accept)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", PING_PATH)
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except (OSError, http.client.HTTPException):
        return False


def wait_until_idle(base_url: str, timeout: float = 60) -> None:
    """Let the workers finish what the last run left queued: when a client stops, requests already
    accepted into the listen backlog are still served. A prompt ping means the backlog is empty."""
    port = int(base_url.rsplit(":", 1)[1])
    deadline, prompt = time.monotonic() + timeout, 0
    while prompt < 3 and time.monotonic() < deadline:
        began = time.monotonic()
        prompt = prompt + 1 if _answers(port) and time.monotonic() - began < 0.05 else 0
        time.sleep(0.1)


@contextmanager
def serving(database_url: str, *, workers: int, worker_class: str, log_file: Path, env: dict | None = None):
    """Yield the base URL while gunicorn runs with the production config against `database_url`
    (`env`: more environment for the app, e.g. MAIL_SERVER)."""
    port = free_port()
    env = dict(os.environ, **(env or {}), DATABASE_URL=database_url, APP_ENV="production", PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "gunicorn", "bench.server:app", "--workers", str(workers),
               "--worker-class", worker_class, "--bind", f"127.0.0.1:{port}",
               "--error-logfile", str(log_file), "--log-level", "warning", "--timeout", "60"]
    with log_file.open("wb") as log:  # this run only
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_file.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"gunicorn did not come up (exit code {process.poll()}); log tail:\n{tail}")
            time.sleep(0.2)
        # Both workers must have loaded the app before the clock starts: a few more pings spread over them.
        for _ in range(workers * 4):
            _answers(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # graceful: the arbiter stops its workers
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
