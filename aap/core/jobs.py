"""Run RQ jobs inside an app context, with one commit at the end of the job."""
import functools

from flask import Flask, has_app_context
from werkzeug.utils import import_string

from aap.extensions import db

_bound_app: Flask | None = None
#: what a plain `rq worker` process builds its app with, the first time it runs one of our jobs
APP_FACTORY = "aap:create_app"


def bind_app(app: Flask) -> None:
    """Jobs run in this app (the worker's, or a test's) instead of building one from the environment."""
    global _bound_app
    _bound_app = app


def job_app() -> Flask:
    """The bound app, built from the environment the first time; a forked work horse inherits it ready."""
    global _bound_app
    if _bound_app is None:
        # named, not imported: the factory loads every domain, and the domains' jobs import this module
        _bound_app = import_string(APP_FACTORY)()
    return _bound_app


def job(func):
    """Make an importable function safe to run from a plain `rq worker`."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if has_app_context():
            return _run(func, args, kwargs)
        with job_app().app_context():
            return _run(func, args, kwargs)

    return wrapper


def _run(func, args, kwargs):
    try:
        result = func(*args, **kwargs)
        db.session.commit()
        return result
    except Exception:
        db.session.rollback()
        raise
