"""Fixtures shared by every layer: an app whose schema comes from the migrations, a real SMTP
server on loopback, clients that read CSRF tokens from the rendered forms, and user factories.

The database is a temp SQLite file by default; TEST_DATABASE_URL selects PostgreSQL. Tests
commit for real (as the app does); every table is emptied after each test.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from app import create_app, fragments, site
from app.extensions import db, limiter
from app.models.post import Category, Comment, Post
from app.models.user import Role, User
from app.services import screening
from config import TestingConfig
from tests.objectstore import object_store  # noqa: F401  (a session fixture for the storage tests)
from tests.pushservice import _push_server, push_keys, push_service  # noqa: F401  (the loopback push service)

# PostgreSQL for the fault tests (a TCP switch in front of it): the suite's own, or the machine's default.
# The SQLite pass borrows a PostgreSQL database for the fault tests: `test`, or TEST_FAULTS_DATABASE_URL (so two
# checkouts can run their suites side by side without emptying each other's).
POSTGRES_FOR_FAULTS = os.environ.get("TEST_DATABASE_URL") or os.environ.get(
    "TEST_FAULTS_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DEFAULT_PASSWORD = "correct horse battery staple"
# Administration → Settings → Participation as it comes: a test changes one field of it.
PARTICIPATION_FORM = {"comment_edit_minutes": "30", "thread_page_size": "50", "posting_rate_limit": "10 per minute; 100 per day",
                      "contact_rate_limit": "5 per hour", "invitation_days": "14", "reminder_hours": "24",
                      "attachment_max_mb": "15", "attachments_per_item": "10", "uploads_per_hour": "60",
                      "document_max_mb": "10",
                      "new_account_days": "7", "new_account_posts_per_day": "10", "new_account_links_per_post": "10",
                      "new_account_uploads_per_day": "5",
                      "new_account_link_limit": "2", "new_account_link_posts": "3"}
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- mail


@dataclass
class Mailbox:
    """Messages received by the loopback SMTP server, parsed."""

    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.raw_bytes = envelope.content  # as it came over the wire, for header checks
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list:
        with self.lock:
            return [m for m in self.messages if address.lower() in m["To"].lower()]

    def wait_for(self, address: str, count: int = 1, timeout: float = 5.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} mail(s) to {address}, got {len(self.to(address))}")

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def last_link(self, address: str, contains: str) -> str:
        body = self.body(self.wait_for(address)[-1])
        links = [link for link in re.findall(r"https?://\S+", body) if contains in link]
        assert links, f"no link containing {contains!r} in mail to {address}:\n{body}"
        return links[-1]


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    _controller, box = smtp_server
    box.clear()
    return box


# ---------------------------------------------------------------- database and app


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        from config import normalise_database_url

        url = normalise_database_url(url)
        # Unreachable PostgreSQL must fail the run, not skip it: this raises.
        _reset_postgres(url)
        return url
    path = tmp_path_factory.mktemp("db") / "test.db"
    return f"sqlite:///{path}"


def make_app(database_url: str, smtp_port: int, **overrides):
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_FROM": "Alumni Commons <noreply@test.example>",
        "SERVER_NAME": None,
        "UPLOAD_DIR": tempfile.mkdtemp(prefix="uploads-"),  # never the repository's instance/ folder
        **overrides,
    }

    class Config(TestingConfig):
        pass

    for key, value in settings.items():
        setattr(Config, key, value)
    return create_app(Config)


@pytest.fixture(scope="session")
def app(database_url, smtp_server):
    controller, _ = smtp_server
    application = make_app(database_url, controller.port, MAIL_OUTBOX_DIR=tempfile.mkdtemp())
    with application.app_context():
        from flask_migrate import upgrade

        upgrade()  # the schema comes only from the migrations
        # Every test starts with empty tables (the clean-up after each test empties them): also the first, although
        # the migrations load the default watched words. Tests of those load them themselves.
        from app.models.watched_word import WatchedWord

        with db.engine.begin() as conn:
            conn.execute(WatchedWord.__table__.delete())
    return application


@pytest.fixture(autouse=True)
def _jobs_inline_again():
    """The job queue is one per process (app.queue); a test that builds a production-shaped app points it
    elsewhere, so every test ends with jobs inline again, as the suite's app expects."""
    yield
    from app.queue import huey

    huey.immediate = True


@pytest.fixture(autouse=True)
def _clean_database(request):
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        site.forget()  # the settings a test stored are gone with their table
        screening.forget()  # ... and so are the watched words
        fragments.html.clear()
        if application.config["RATELIMIT_ENABLED"]:
            limiter.reset()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        db.session.remove()


# ---------------------------------------------------------------- users and clients


@pytest.fixture
def make_user(app):
    """Create a committed account: make_user(role=Role.MEMBER, verified=True, email=..., name=...)."""
    counter = iter(range(1, 10_000))

    def factory(role: Role = Role.ALUMNUS, *, verified: bool = True, email: str | None = None,
                name: str | None = None, password: str = DEFAULT_PASSWORD, locale: str | None = "en"):
        from app.services.accounts import create_account

        number = next(counter)
        with app.app_context():
            user = create_account(email or f"{role.value}{number}@example.org", name or f"{role.value.title()} {number}",
                                  password, role=role, verified=verified, locale=locale)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return factory


class FormClient:
    """A test client that submits forms the way a browser does: CSRF token from the page."""

    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        return getattr(self.client, name)

    def token(self, url: str) -> str:
        page = self.client.get(url)
        match = CSRF_RE.search(page.get_data(as_text=True))
        assert match, f"no CSRF token in {url} (status {page.status_code})"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, *, form_url: str | None = None, **kwargs):
        """GET the form page (form_url or url), then POST data with its token to url."""
        payload = {"csrf_token": self.token(form_url or url), **(data or {})}
        return self.client.post(url, data=payload, **kwargs)

    def login(self, user_or_email, password: str = DEFAULT_PASSWORD, remember: bool = False):
        address = getattr(user_or_email, "email", user_or_email)
        data = {"email": address, "password": password}
        if remember:
            data["remember"] = "y"
        response = self.submit("/auth/login", data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    def logout(self):
        return self.submit("/auth/logout", form_url="/account/")


def english_client(app):
    """Tests read English; German (the default) is tested on its own."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return FormClient(test_client)


@pytest.fixture
def client(app):
    return english_client(app)


@pytest.fixture
def new_client(app):
    """A second, independent browser."""
    return lambda: english_client(app)


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def read_mail_link():
    def read(mailbox: Mailbox, address: str, contains: str) -> str:
        link = mailbox.last_link(address, contains)
        return "/" + link.split("://", 1)[1].split("/", 1)[1]

    return read


ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- content


@pytest.fixture
def make_post(app, make_user):
    """make_post(author=None, **fields): a committed post through the service, as the app makes it."""

    def factory(author=None, *, title="A title", body="Some **text** here.", kind="discussion",
                visibility="public", public_teaser=False, pinned=False, category=None, **extra):
        from app.models.post import PostKind, Visibility
        from app.services.posts import create_post

        author = author or make_user(Role.VOLUNTEER if kind == "news" else Role.MEMBER)
        with app.test_request_context():
            from app.models.user import User

            post = create_post(db.session.get(User, author.id), kind=PostKind(kind), title=title, body=body,
                               category=db.session.get(Category, category) if category else None,
                               visibility=Visibility(visibility), public_teaser=public_teaser, pinned=pinned)
            for key, value in extra.items():
                setattr(post, key, value)
            db.session.commit()
            db.session.refresh(post)
            db.session.expunge(post)
        return post

    return factory


@pytest.fixture
def add_comment(app):
    """add_comment(user, post, body, parent=None) through the service; returns the comment id."""

    def factory(user, post, body="A comment", parent=None):
        from app.services.comments import add_comment as service

        with app.test_request_context():
            comment = service(db.session.get(User, user.id), db.session.get(Post, post.id), body,
                              db.session.get(Comment, parent) if parent else None)
            db.session.commit()
            return comment.id

    return factory


@pytest.fixture
def limited_app(database_url, smtp_server, app):
    controller, _ = smtp_server
    limited = make_app(database_url, controller.port, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    yield limited
    limiter.reset()
    # Give the shared limiter object back to the suite's app (with limits off).
    limiter.init_app(app)


@pytest.fixture
def world(app, make_user):
    """One of each kind of object, owned by an alumnus who is not the one making the requests."""
    from app.extensions import db
    from app.models.moderation import Report
    from app.models.post import Comment, Post

    author = make_user(Role.MEMBER, name="World Author")
    target = make_user()
    spare = make_user(name="Spare Person")  # for actions that use a person up (erasure)
    with app.app_context():
        public = Post(kind="discussion", title="Public", body_source="x", body_html="<p>x</p>", excerpt="x",
                      visibility="public", author_id=author.id)
        members = Post(kind="discussion", title="Members", body_source="y", body_html="<p>y</p>", excerpt="y",
                       visibility="members", author_id=author.id)
        db.session.add_all([public, members])
        db.session.flush()
        comment = Comment(post_id=public.id, author_id=author.id, body_source="c", body_html="<p>c</p>")
        members_comment = Comment(post_id=members.id, author_id=author.id, body_source="m", body_html="<p>m</p>")
        db.session.add_all([comment, members_comment])
        db.session.flush()
        for c in (comment, members_comment):
            c.path, c.root_id = str(c.id).zfill(10), c.id
        report = Report(reporter_id=target.id, post_id=public.id, reason="spam")
        db.session.add(report)
        from datetime import timedelta

        from app.models.event import Event, Signup
        from app.models.types import utcnow

        start = utcnow() + timedelta(days=7)
        event, members_event = (
            Event(title=title, starts_at=start, ends_at=start + timedelta(hours=2), visibility=visibility,
                  capacity=5, seats_taken=1 if visibility == "public" else 0, place="Hörsaal 1")
            for title, visibility in (("Public event", "public"), ("Members event", "members")))
        db.session.add_all([event, members_event])
        db.session.flush()
        signup = Signup(event_id=event.id, user_id=author.id, status="confirmed")
        db.session.add(signup)
        db.session.get(User, author.id).calendar_token = "world-calendar-token-0123456789"
        from app.models.membership import Document, Invitation, MemberProfile, MembershipApplication
        from app.services import uploads

        photo = uploads.store("photos", b"\xff\xd8\xff fake jpeg for routing", "jpg", "image/jpeg")
        db.session.add(MemberProfile(user_id=author.id, listed=True, city="Köln", photo_name=photo))
        stored = uploads.store("documents", b"%PDF-1.4 minutes", "pdf", "application/pdf")
        document = Document(title="Protokoll", original_name="protokoll.pdf", stored_name=stored,
                            content_type="application/pdf", size=16, uploaded_by_id=author.id)
        application = MembershipApplication(user_id=target.id, programme="Informatik", year=2010)
        invitation = Invitation(email="invitee@example.org", name="Invitee", invited_by_id=author.id)
        db.session.add_all([document, application, invitation])
        news = Post(kind="news", title="News", body_source="n", body_html="<p>n</p>", excerpt="n",
                    visibility="public", author_id=author.id)
        category = Category(slug="world", name="World")
        db.session.add_all([news, category])
        from app import storage
        from app.models.attachment import Attachment

        pictures = []
        for post in (public, members):
            picture = Attachment(owner_id=author.id, kind="image", post_id=post.id, alt_text="Bild", width=320,
                                 height=240, content_type="image/webp", size=4, widths="320",
                                 stored_name=f"world-{post.id}-{author.id}")
            storage.current().put(picture.key(320), b"RIFF", "image/webp")
            pictures.append(picture)
        db.session.add_all(pictures)
        from app.models.idea import Idea

        db.session.add_all([Idea(post_id=public.id), Idea(post_id=members.id)])  # both discussions are ideas
        from app.models.opportunity import Opportunity

        offers = [Opportunity(kind="job", title=f"{visibility} offer", organisation="Firma", body_source="o",
                              body_html="<p>o</p>", excerpt="o", visibility=visibility, author_id=author.id,
                              expires_at=utcnow() + timedelta(days=60)) for visibility in ("public", "members")]
        db.session.add_all(offers)
        db.session.commit()
        with app.test_request_context():
            from app.services.signups import cancel_token

            token = cancel_token(signup)
            from app.services.tokens import make_token

            invitation_token = make_token("invitation", {"iid": invitation.id, "n": 1})
            unsubscribe_token = make_token("unsubscribe", {"uid": target.id, "kind": "news"})
            consent_token = make_token("mail-consent", {"uid": target.id, "email": target.email})
        return {"CATEGORY": category.id, "PUBLIC_POST": public.id, "MEMBERS_POST": members.id, "COMMENT": comment.id,
                "MEMBERS_COMMENT": members_comment.id, "REPORT": report.id, "TARGET": target.id,
                "EVENT": event.id, "MEMBERS_EVENT": members_event.id, "SIGNUP": signup.id,
                "CANCEL_TOKEN": token, "CALENDAR_TOKEN": "world-calendar-token-0123456789",
                "AUTHOR": author.id, "DOCUMENT": document.id, "APPLICATION": application.id,
                "INVITATION": invitation.id, "INVITATION_TOKEN": invitation_token, "NEWS_POST": news.id,
                "UNSUBSCRIBE_TOKEN": unsubscribe_token, "CONSENT_TOKEN": consent_token,
                "PHOTO": pictures[0].id, "MEMBERS_PHOTO": pictures[1].id,
                "AUTHOR_HANDLE": db.session.get(User, author.id).handle, "SPARE": spare.id,
                "PUBLIC_IDEA": public.id, "MEMBERS_IDEA": members.id,
                "OFFER": offers[0].id, "MEMBERS_OFFER": offers[1].id}


@pytest.fixture
def make_event(app, make_user):
    """make_event(capacity=2, **fields): a committed event created through the service."""
    from datetime import timedelta

    def factory(organizer=None, *, title="Sommerfest", capacity=None, visibility="public", waitlist=True,
                max_guests=0, starts_in=timedelta(days=7), duration=timedelta(hours=3), note_label="", **extra):
        from app.models.types import utcnow
        from app.services.events import EventDetails, create_event

        organizer = organizer or make_user(Role.VOLUNTEER)
        start = utcnow() + starts_in
        details = EventDetails(
            title=title, description="Mit **Grill**.", starts_at=start, ends_at=start + duration,
            timezone="Europe/Berlin", place="Campus, Hörsaal 1", online_url="https://meet.example.org/room",
            visibility=visibility, capacity=capacity, signup_opens_at=None, signup_closes_at=None,
            waitlist_enabled=waitlist, max_guests=max_guests, note_label=note_label)
        with app.test_request_context():
            event = create_event(db.session.get(User, organizer.id), details)
            for key, value in extra.items():
                setattr(event, key, value)
            db.session.commit()
            db.session.refresh(event)
            db.session.expunge(event)
        return event

    return factory


@pytest.fixture(scope="session")
def _fault_database_prepared():
    """In the SQLite pass the fault tests borrow the machine's PostgreSQL database: start it empty, as the
    PostgreSQL pass starts its own, so a schema left there by another checkout (another branch's migrations)
    cannot make `upgrade` believe it is done."""
    if not os.environ.get("TEST_DATABASE_URL"):
        _reset_postgres(POSTGRES_FOR_FAULTS)


@pytest.fixture
def postgres_reachable(request):
    try:
        engine = create_engine(POSTGRES_FOR_FAULTS)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL must be reachable in CI: {exc}")
        pytest.skip(f"PostgreSQL not reachable here: {exc}")
    request.getfixturevalue("_fault_database_prepared")


# ---------------------------------------------------------------- concurrency


def run_together(app, work, items):
    """Run work(item) for every item in its own thread, released at once; return (results, errors)."""
    barrier = threading.Barrier(len(items))
    results, errors = {}, []

    def target(item):
        with app.test_request_context():
            try:
                barrier.wait(timeout=10)
                results[item] = work(item)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001  (every error is a test failure, collected)
                db.session.rollback()
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=target, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors
