"""The RQ worker with its scheduler, bound to the app it was started from."""
import os

from flask import Flask
from rq import SimpleWorker

from aap.core.jobs import bind_app
from aap.core.periodic import run_sweeps
from aap.core.queue import get_queue, get_redis, schedule_tick
from aap.extensions import db


def run_worker(app: Flask, burst: bool = False) -> bool:
    """Jobs run in this process (no fork), so one app and its connection pool serve them all."""
    bind_app(app)
    with app.app_context():
        db.engine.dispose(close=False)
    with app.app_context():  # what was left pending while no worker (or no Redis) was there
        run_sweeps()
    if not burst:
        schedule_tick(get_queue(app))
    worker = SimpleWorker([get_queue(app)], connection=get_redis(app), name=f"aap-{os.getpid()}")
    return worker.work(with_scheduler=True, burst=burst, logging_level="INFO")
