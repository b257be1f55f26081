"""Unbound extensions, bound to an app by init_extensions()."""
import sqlite3

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
#: counts in the app's Redis (aap.core.ratelimit); request.remote_addr is the client once ProxyFix has run
limiter = Limiter(get_remote_address)


#: seconds a write waits for another one to finish before SQLite gives up; requests queue behind each other
SQLITE_BUSY_TIMEOUT = 30
#: request methods whose transactions only read; every other request, job or command may write
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """Let SQLAlchemy drive transactions on SQLite, so savepoints and foreign keys behave."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}")
        # readers never wait for the writer, and a commit does not wait for the disk twice
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """A transaction that may write takes SQLite's write lock at its start.

    A read transaction that later writes cannot wait for the lock: SQLite answers "database is
    locked" at once rather than risk a deadlock. Taken at BEGIN, the lock is waited for (busy_timeout).
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN DEFERRED")


def _may_write() -> bool:
    """Every transaction may write, except those of a GET (or HEAD) request to a view that does not."""
    if not has_request_context() or request.method not in READ_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "writes_on_read", False)


def writes_on_read(view):
    """Mark a GET view that writes (a followed link counted as read), so its transaction takes the write lock."""
    view.writes_on_read = True
    return view


def init_extensions(app: Flask) -> None:
    """Bind the extensions to the app; the core domain sets up the locale selection."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
