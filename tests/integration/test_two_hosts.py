"""Two hosts behind one load balancer, for real: two gunicorn instances (production config) and a `flask worker`
beside each, on one PostgreSQL, one Redis and one S3-compatible store (SeaweedFS). A session made on one host
works on the other, a file uploaded through one downloads through the other, the login rate limit counts both
hosts' requests together, and the mail of registrations made on both is sent exactly once."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter

import pytest
import redis
from sqlalchemy import create_engine, text

from tests.conftest import DEFAULT_PASSWORD, POSTGRES_FOR_FAULTS, ROOT, free_port

pytestmark = pytest.mark.concurrency
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
PDF = b"%PDF-1.7\n% Protokoll\n%%EOF\n"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: keeps its cookies itself (production cookies are Secure; this is plain http on
    loopback, where a cookie jar would drop them) and talks to whichever host it is told to."""

    opener = urllib.request.build_opener(NoRedirect)

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, url, data=None, headers=None):
        headers = {"Accept-Language": "en", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            response = self.opener.open(urllib.request.Request(url, data=data, headers=headers), timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.read()

    def form(self, host, path, fields, files=None):
        status, page = self.request(host + path)
        token = CSRF.search(page.decode()).group(1)
        if files is None:
            body = urllib.parse.urlencode({"csrf_token": token, **fields}).encode()
            return self.request(host + path, body, {"Content-Type": "application/x-www-form-urlencoded"})
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in {"csrf_token": token, **fields}.items()]
        for name, (filename, data) in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(host + path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def _wait_for(url, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stdout.read())
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@pytest.fixture
def shared_services(postgres_reachable, object_store, smtp_server, tmp_path):
    """The environment both hosts read from their .env: one database, Redis, bucket, SMTP server and key."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis must be reachable in CI: {exc}")
        pytest.skip(f"Redis not reachable here: {exc}")
    name = f"alumni_two_hosts_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_FOR_FAULTS, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    env = dict(os.environ, FLASK_APP="wsgi", APP_ENV="production", SECRET_KEY="k" * 48,
               SITE_URL="https://alumni.example.org", DATABASE_URL=f"{POSTGRES_FOR_FAULTS.rsplit('/', 1)[0]}/{name}",
               REDIS_URL=REDIS_URL, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_server[0].port),
               LOGIN_RATE_LIMIT="6 per minute", REGISTRATION_RATE_LIMIT="100 per hour",
               INSTANCE_PATH=str(tmp_path), JOBS_IMMEDIATE="", ANONYMOUS_CACHE_SECONDS="0",
               **object_store.env(f"two-hosts-{name}"))
    env.pop("TEST_DATABASE_URL", None)
    for command in (["db", "upgrade"], ["create-user", "--email", "vorstand@example.org", "--name", "Vorstand",
                                         "--role", "volunteer", "--password", DEFAULT_PASSWORD, "--locale", "en"]):
        subprocess.run([sys.executable, "-m", "flask", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=120)
    yield env
    client.flushdb()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def two_hosts(shared_services):
    """Host A and host B: gunicorn (2 workers each) and a worker process each."""
    processes, hosts = [], []
    for _ in range(2):
        port = free_port()
        web = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                                "wsgi:app"], cwd=ROOT, env=shared_services, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
        worker = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=shared_services,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        processes += [web, worker]
        hosts.append(f"http://127.0.0.1:{port}")
        _wait_for(f"{hosts[-1]}/healthz", web)
    yield hosts
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_two_hosts_share_sessions_files_limits_and_send_each_mail_once(two_hosts, smtp_server):
    host_a, host_b = two_hosts
    _controller, mailbox = smtp_server
    mailbox.clear()

    volunteer = Browser()  # logs in on A, works on B
    status, _ = volunteer.form(host_a, "/auth/login", {"email": "vorstand@example.org", "password": DEFAULT_PASSWORD})
    assert status == 302
    status, page = volunteer.request(f"{host_b}/members/documents")
    assert status == 200 and b"Vorstand" in page

    status, _ = volunteer.form(host_b, "/members/documents", {"title": "Protokoll", "description": ""},
                               files={"file": ("protokoll.pdf", PDF)})
    assert status == 302
    _, page = volunteer.request(f"{host_a}/members/documents")
    download = re.search(rb'href="(/members/documents/\d+/download)"', page).group(1).decode()
    assert volunteer.request(host_a + download) == (200, PDF)  # uploaded through B, read through A
    assert volunteer.request(host_b + download) == (200, PDF)

    # 6 logins a minute from one address, counted in Redis across both hosts and all four web processes
    # (one was the volunteer's); per-process counting would let 4 x 6 through.
    statuses = [Browser().form((host_a, host_b)[i % 2], "/auth/login",
                               {"email": "nobody@example.org", "password": "wrong"})[0] for i in range(8)]
    assert statuses[:5] == [400] * 5 and set(statuses[5:]) == {429}, statuses

    for number in range(10):  # registrations on both hosts; their mail is sent by the two workers
        status, _ = Browser().form((host_a, host_b)[number % 2], "/auth/register", {
            "email": f"person{number}@example.org", "display_name": f"Person {number}",
            "password": DEFAULT_PASSWORD, "password_confirm": DEFAULT_PASSWORD, "accept_guidelines": "y"})
        assert status == 302
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(mailbox.messages) < 10:
        time.sleep(0.2)
    time.sleep(2)  # a duplicate would arrive now
    recipients = Counter(message["To"] for message in mailbox.messages)
    assert len(recipients) == 10 and set(recipients.values()) == {1}, recipients
