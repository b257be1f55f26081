import contextvars
import html
import os
import re
import secrets
import tempfile

import flask_migrate
import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from rq import SimpleWorker
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker

from aap import create_app
from aap.auth.models import SESSION_SECRET, LoginSession, hash_secret
from aap.core import jobs
from aap.core.queue import get_queue, get_redis
from aap.domains import register_parts
from aap.extensions import db, login_manager
from tests import factories
from tests.services import RedisServer, SmtpServer, postgres_database

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", autouse=True)
def domain_parts():
    """What the domains register in the process (the names workflow files use), even for tests without an app."""
    register_parts()


@pytest.fixture(scope="session")
def redis_server():
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def smtp_server():
    server = SmtpServer()
    yield server
    server.stop()


def build_test_app(database_url: str, redis_url: str, **overrides):
    config = {"AAP_ENV": "test", "SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url,
              "PUBLIC_URL": "http://localhost", "WTF_CSRF_ENABLED": False, "TESTING": True,
              "SECRET_KEY": "test-secret-key-that-is-long-enough-for-signing",
              "UPLOAD_FOLDER": tempfile.mkdtemp(prefix="aap-uploads-"),
              "AUDIT_CHECKPOINT_FILE": os.path.join(tempfile.mkdtemp(prefix="aap-audit-"), "audit-checkpoints.log"),
              # room for the concurrency tests' twenty simultaneous connections
              "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 25, "max_overflow": 5}}
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        flask_migrate.upgrade()
    return app


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory, redis_server, smtp_server):
    if request.param == "postgresql":
        url = postgres_database(f"aap_test_{os.getpid()}")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    app = build_test_app(url, redis_server.url, SMTP_URL=smtp_server.url)
    app.test_client_class = Client
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_redis(request):
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        get_redis(app).flushdb()


@pytest.fixture
def committed(app):
    """Real commits visible to other connections (for tests with threads or servers); every table is emptied after."""
    with app.app_context():
        yield
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()


@pytest.fixture
def own_database_app(app, tmp_path):
    """An app on a database of its own, whose commits are real, so that it can be migrated down and up."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        url = postgres_database(f"aap_upgrade_{os.getpid()}")
    else:
        url = f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
    other = build_test_app(url, app.config["REDIS_URL"], SMTP_URL=app.config["SMTP_URL"],
                           AUDIT_CHECKPOINT_FILE=str(tmp_path / "audit-checkpoints.log"))
    yield other
    jobs.bind_app(app)
    with other.app_context():
        db.engine.dispose()


@pytest.fixture
def session(app):
    """Each test runs inside a transaction that is rolled back; the app's commits become savepoints."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        # a plain Session: Flask-SQLAlchemy's own picks the engine and would step outside the transaction
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        db.session = scoped_session(factory, scopefunc=_app_ctx_id)
        jobs.bind_app(app)
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


class Client(FlaskClient):
    """Each request gets its own app context (so its own g and session), as in production."""

    def open(self, *args, **kwargs):
        if not has_app_context():  # a redirect being followed, inside the request's own context
            return super().open(*args, **kwargs)
        db.session.expire_all()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()
        #: the text a person reads (entities decoded); .text keeps the raw, escaped HTML
        mimetype = response.mimetype or ""  # a 304 has none
        if mimetype.startswith("text/") or mimetype == "application/json":
            response.page = html.unescape(response.get_data(as_text=True))
        return response

    def login(self, user, fresh=True):
        """Sign a user in as the login page does, without typing the password and code each time.

        The server-side session is opened without a password confirmation, as after a login long ago.
        """
        user_agent = self.environ_base["HTTP_USER_AGENT"]
        address = self.environ_base.get("REMOTE_ADDR", "127.0.0.1")
        with self.application.test_request_context(environ_base={"REMOTE_ADDR": address},
                                                   headers={"User-Agent": user_agent}):
            identifier = login_manager._session_identifier_generator()
        secret = secrets.token_urlsafe(32)
        db.session.add(LoginSession(user_id=user.id, token_hash=hash_secret(secret), user_agent=user_agent,
                                    ip_address=address))
        db.session.commit()
        with self.session_transaction() as browser_session:
            browser_session["_user_id"] = user.get_id()
            browser_session["_fresh"] = fresh
            browser_session["_id"] = identifier
            browser_session[SESSION_SECRET] = secret
        return user


@pytest.fixture
def client(app, session):
    return app.test_client()


@pytest.fixture
def login_as(client):
    """login_as("admin") creates a user with that role, signs them in and returns them."""

    def login(role: str = "holder", **fields):
        roles = () if role == "holder" else (role,)
        call = factories.make_call() if role in ("reviewer", "committee", "funder") else None
        totp = role != "holder"
        user = factories.make_user(roles=roles, call=call, totp=totp, **fields)
        return client.login(user)

    return login


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    """The uploads of this test go to a folder of its own, returned."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def mailbox(smtp_server):
    smtp_server.inbox.clear()
    return smtp_server.inbox


@pytest.fixture
def worker(app, session):
    """drain() runs every queued job now, in this process, as `aap worker --burst` would."""

    class Drain:
        def drain(self) -> int:
            queue = get_queue(app)
            count = queue.count
            SimpleWorker([queue], connection=get_redis(app)).work(burst=True, logging_level="WARNING")
            return count

    return Drain()


@pytest.fixture
def count_queries(app):
    """with count_queries() as counted: … ; counted.n is the number of SQL statements run."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        class Counter:
            n = 0
            statements: list = []

        counter = Counter()
        counter.statements = []

        def count(conn, cursor, statement, *args):
            if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK TO)", statement):
                counter.n += 1
                counter.statements.append(statement)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", count)

    return counting


def link_in(text: str) -> str:
    match = re.search(r"http://localhost(/\S+)", text)
    assert match, f"no link in:\n{text}"
    return match.group(1)
