"""Dependencies fail; the site degrades instead of breaking. Redis refused or cut: pages are served uncached
and rate limits fall back to memory, never a 500. PostgreSQL that hangs: a 503 within seconds. A connection
cut at the commit: a 503, and nothing half-stored. Faults are real: a TCP switch on loopback, or a port that
answers nothing."""

from __future__ import annotations

import socket
import threading
import time

from flask_migrate import upgrade
from sqlalchemy import event, select

from app.extensions import db
from app.models.user import User
from tests.conftest import DEFAULT_PASSWORD, english_client, free_port, make_app, text_of
from tests.integration.test_operations import POSTGRES, TcpSwitch


def test_redis_refused_pages_and_logins_still_work(database_url, smtp_server, make_user):
    nothing_there = f"redis://127.0.0.1:{free_port()}/0"
    application = make_app(database_url, smtp_server[0].port, REDIS_URL=nothing_there, RATELIMIT_ENABLED=True,
                           ANONYMOUS_CACHE_SECONDS=10, REDIS_TIMEOUT=0.5)
    client = english_client(application)
    assert client.get("/").status_code == 200
    assert client.get("/events/").status_code == 200
    person = make_user()
    wrong = client.submit("/auth/login", {"email": person.email, "password": "not the password"})
    assert wrong.status_code == 400
    assert client.submit("/auth/login", {"email": person.email, "password": DEFAULT_PASSWORD}).status_code == 302
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json() == {"status": "degraded", "database": "ok", "redis": "unavailable", "worker": "inline",
                                 "storage": "ok", "push": "not configured"}


def test_redis_cut_and_back_without_a_restart(database_url, smtp_server):
    switch = TcpSwitch(target=("127.0.0.1", 6379))
    switch.start()
    application = make_app(database_url, smtp_server[0].port, REDIS_URL=f"redis://127.0.0.1:{switch.port}/15",
                           RATELIMIT_ENABLED=True, ANONYMOUS_CACHE_SECONDS=10, REDIS_TIMEOUT=0.5)
    client = english_client(application)
    assert client.get("/").status_code == 200
    assert client.get("/healthz").get_json()["redis"] == "ok"
    switch.cut()
    assert [client.get(url).status_code for url in ("/", "/events/", "/imprint")] == [200, 200, 200]
    assert client.get("/healthz").get_json()["redis"] == "unavailable"
    switch.start()
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok", "redis": "ok", "worker": "inline",
                                                     "storage": "ok", "push": "not configured"}
    switch.cut()


class BlackHole:
    """Accepts connections and never answers: a database server that hangs instead of refusing."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self):
        self.server.close()
        for connection in self.held:
            connection.close()


def test_a_hanging_database_gives_a_503_within_seconds(smtp_server):
    hole = BlackHole()
    try:
        application = make_app(f"postgresql+psycopg://postgres@127.0.0.1:{hole.port}/test", smtp_server[0].port,
                               DATABASE_CONNECT_TIMEOUT=2)
        client = english_client(application)
        for url in ("/healthz", "/imprint"):
            started = time.monotonic()
            response = client.get(url)
            assert response.status_code == 503, url
            assert time.monotonic() - started < 8, f"{url} took {time.monotonic() - started:.1f} s"
    finally:
        hole.close()


def test_a_connection_cut_at_the_commit_is_a_503_and_stores_nothing(postgres_reachable, smtp_server):
    switch = TcpSwitch()
    switch.start()
    application = make_app(POSTGRES.replace("127.0.0.1:5432", f"127.0.0.1:{switch.port}"), smtp_server[0].port,
                           DATABASE_CONNECT_TIMEOUT=2)
    with application.app_context():
        upgrade()  # in the SQLite pass this PostgreSQL database may still be empty
    client = english_client(application)
    token = client.token("/auth/register")

    def cut_the_wire(_session):
        switch.cut()

    with application.app_context():
        event.listen(db.session, "before_commit", cut_the_wire, once=True)
    response = client.post("/auth/register", data={
        "csrf_token": token, "email": "halfway@example.org", "display_name": "Halb Weg",
        "password": DEFAULT_PASSWORD, "password_confirm": DEFAULT_PASSWORD, "accept_guidelines": "y"})
    assert response.status_code == 503 and "Temporarily unavailable" in text_of(response)
    switch.start()
    with application.app_context():
        assert db.session.scalar(select(User).where(User.email == "halfway@example.org")) is None
        db.engine.dispose()
    switch.cut()
