"""Run RQ jobs inside an app context, with one commit at the end of the job."""
import functools

from flask import Flask, has_app_context

from aap.extensions import db

_bound_app: Flask | None = None


def bind_app(app: Flask) -> None:
    """Jobs run in this app (the worker's, or a test's) instead of building one from the environment."""
    global _bound_app
    _bound_app = app


def _job_app() -> Flask:
    global _bound_app
    if _bound_app is None:
        from aap import create_app

        _bound_app = create_app()
    return _bound_app


def job(func):
    """Make an importable function safe to run from a plain `rq worker`."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if has_app_context():
            return _run(func, args, kwargs)
        with _job_app().app_context():
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
