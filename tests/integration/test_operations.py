"""Health check, a database that goes away and comes back, mail that cannot be sent."""

from __future__ import annotations

import socket
import threading

from sqlalchemy import select

from app.extensions import db
from app.models.mail import OutgoingMail
from app.models.user import User
from tests.conftest import DEFAULT_PASSWORD, POSTGRES_FOR_FAULTS, english_client, free_port, make_app, text_of

# The fault tests' PostgreSQL: the suite's own, or TEST_FAULTS_DATABASE_URL in the SQLite pass (the database the
# `postgres_reachable` fixture prepares), never another checkout's.
POSTGRES = POSTGRES_FOR_FAULTS


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "not configured", "worker": "inline",
                                   "storage": "ok", "push": "not configured"}


class TcpSwitch:
    """A loopback TCP forwarder to PostgreSQL that can be cut and restored, like a network outage."""

    def __init__(self, target=("127.0.0.1", 5432)):
        self.target = target
        self.port = free_port()
        self.server = None
        self.connections = []

    def start(self):
        self.server = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def _accept(self, server):
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        # shutdown() wakes the thread blocked in accept(); close() alone would not on Linux.
        try:
            self.server.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.server.close()
        for sock in self.connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass
        self.connections.clear()


def test_database_outage_gives_503_and_recovers_without_restart(postgres_reachable, smtp_server):
    switch = TcpSwitch()
    switch.start()
    url = POSTGRES.replace("127.0.0.1:5432", f"127.0.0.1:{switch.port}")
    controller, _ = smtp_server
    application = make_app(url, controller.port)
    client = english_client(application)
    assert client.get("/healthz").status_code == 200

    switch.cut()
    down = client.get("/healthz")
    assert down.status_code == 503 and down.get_json()["database"] == "unavailable"
    page = client.get("/imprint")
    assert page.status_code == 503
    assert "Temporarily unavailable" in text_of(page) and "Traceback" not in text_of(page)

    switch.start()  # the database is back: the same app serves again
    assert client.get("/healthz").status_code == 200
    with application.app_context():
        db.engine.dispose()


def test_unreachable_database_on_a_page_with_a_logged_in_user(smtp_server):
    controller, _ = smtp_server
    application = make_app("postgresql+psycopg://postgres@127.0.0.1:1/none", controller.port)
    client = english_client(application)
    with client.session_transaction() as session:
        session["_user_id"] = "1:1"
        session["_fresh"] = True
    response = client.get("/account/")
    assert response.status_code == 503
    assert "Temporarily unavailable" in text_of(response)


def test_a_failed_mail_send_loses_nothing_and_is_retried(database_url, smtp_server, app):
    controller, mailbox = smtp_server
    mailbox.clear()
    broken = make_app(database_url, free_port())  # nothing listens there
    client = english_client(broken)
    response = client.submit("/auth/register", {
        "email": "kept@example.org", "display_name": "Kept", "password": DEFAULT_PASSWORD,
        "password_confirm": DEFAULT_PASSWORD, "accept_guidelines": "y"})
    assert response.status_code == 302  # the registration stands
    with broken.app_context():
        assert db.session.scalar(select(User).where(User.email == "kept@example.org")) is not None
        pending = db.session.scalars(select(OutgoingMail)).all()
        assert len(pending) == 1 and pending[0].sent_at is None and pending[0].attempts == 1
        assert pending[0].last_error
    # Later, with the mail server back, `flask send-mail` delivers it.
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert "1 sent, 0 failed" in result.output
    assert mailbox.wait_for("kept@example.org")
    with app.app_context():
        assert db.session.scalar(select(OutgoingMail)).sent_at is not None


def test_mail_is_only_sent_after_a_successful_request(database_url, smtp_server):
    controller, mailbox = smtp_server
    mailbox.clear()
    application = make_app(database_url, controller.port)

    @application.post("/test/mail/<int:status>")
    def queue_and_answer(status):
        from app.mail import queue_mail

        queue_mail("hook@example.org", "verify_email", user=type("U", (), {"display_name": "X"})(), url="http://x")
        return "done", status

    application.config["WTF_CSRF_ENABLED"] = False
    client = application.test_client()
    assert client.post("/test/mail/400").status_code == 400
    with application.app_context():
        assert db.session.scalar(select(OutgoingMail)) is None  # rolled back with the request
    assert mailbox.to("hook@example.org") == []
    assert client.post("/test/mail/200").status_code == 200
    assert len(mailbox.wait_for("hook@example.org")) == 1


def test_without_mail_server_messages_go_to_the_outbox(database_url, tmp_path):
    application = make_app(database_url, 0, MAIL_SERVER=None, MAIL_OUTBOX_DIR=str(tmp_path))
    client = english_client(application)
    client.submit("/auth/reset", {"email": "nobody@example.org"})  # no mail: unknown
    with application.app_context():
        from app.services.accounts import create_account

        create_account("outbox@example.org", "Outbox", DEFAULT_PASSWORD)
        db.session.commit()
    client.submit("/auth/reset", {"email": "outbox@example.org"})
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1 and "outbox@example.org" in files[0].read_text()
