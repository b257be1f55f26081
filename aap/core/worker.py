"""RQ workers bound to the app: the app is built once per worker, and the scheduler comes back with Redis.

`rq worker --worker-class aap.core.worker.AppWorker --with-scheduler aap` forks a work horse per job,
as a plain `rq worker` does, but the horse inherits the app built by the worker instead of building its own
(about a second a job). `flask --app wsgi aap worker` runs the same supervision in one process, without forking.
"""
import logging
import os
import time

import redis
from flask import Flask
from rq import SimpleWorker, Worker

from aap.core.jobs import bind_app, job_app
from aap.core.periodic import run_sweeps
from aap.core.queue import TICK_SECONDS, ensure_tick, get_queue, get_redis, schedule_tick
from aap.extensions import db

log = logging.getLogger(__name__)


def _prepare(app: Flask, burst: bool) -> None:
    """Catch up what was left pending while no worker (or no Redis) was there, and keep the periodic tick going."""
    bind_app(app)
    with app.app_context():
        db.engine.dispose(close=False)
        run_sweeps()
    if not burst:
        schedule_tick(get_queue(app))


class AppBound:
    """Shared by both workers: the app, a scheduler watched every few seconds, and a wait for a lost Redis.

    RQ's scheduler runs in a child process that dies on a Redis connection error; a stock worker restarts it
    only at its maintenance pass, every 10 minutes, so retries, timeouts, reminders, digests and the periodic
    tick would all wait that long after an outage.
    """

    #: seconds between two looks at the scheduler, and the longest wait before trying a lost Redis again
    supervision_seconds = 5
    max_connection_wait_time = 5.0

    def __init__(self, *args, app: Flask | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app or job_app()
        self._burst, self._supervised_at, self._tick_checked_at = False, 0.0, 0.0

    def work(self, burst: bool = False, **options) -> bool:
        self._burst = burst
        _prepare(self.app, burst)
        return super().work(burst=burst, **options)

    @property
    def dequeue_timeout(self) -> int:
        return self.supervision_seconds  # wake from the blocking pop often enough to look after the scheduler

    @property
    def should_run_maintenance_tasks(self) -> bool:
        due = time.monotonic() - self._supervised_at >= self.supervision_seconds
        return super().should_run_maintenance_tasks or (due and not self._burst)

    def run_maintenance_tasks(self) -> None:
        try:
            if super().should_run_maintenance_tasks:
                super().run_maintenance_tasks()
            if not self._burst:
                self._supervised_at = time.monotonic()
                self._supervise()
        except redis.ConnectionError:
            pass  # Redis is away: the wait for a job retries it, and the next pass supervises

    def execute_job(self, job, queue):
        """A stock worker quits when Redis goes away as a job ends; this one waits for Redis and carries on."""
        try:
            return super().execute_job(job, queue)
        except redis.ConnectionError as error:
            # the job ran, and the database says what it did; RQ's record of it was lost with Redis
            log.warning("Redis perdu à la fin de la tâche %s (%s) : le worker attend son retour", job.id, error)
            self._wait_for_redis()

    def check_for_suspension(self, burst: bool) -> None:
        try:
            super().check_for_suspension(burst)
        except redis.ConnectionError:
            self._wait_for_redis()

    def _wait_for_redis(self) -> None:
        while not self._stop_requested:
            try:
                self.connection.ping()
                return
            except redis.ConnectionError:
                time.sleep(self.max_connection_wait_time)

    def _supervise(self) -> None:
        """Restart a dead scheduler (or take over from another worker's), then make sure a tick is on its way."""
        scheduler = self.scheduler
        if scheduler is not None and not (scheduler._process and scheduler._process.is_alive()):
            was_running = scheduler._process is not None
            scheduler.acquire_locks(auto_start=True)
            if scheduler._process and scheduler._process.is_alive():
                log.warning("Planificateur RQ %s (Redis de retour ou relève d'un autre worker)",
                            "relancé" if was_running else "démarré")
                ensure_tick(get_queue(self.app), at_once=True)  # Redis may have come back empty
        if time.monotonic() - self._tick_checked_at >= TICK_SECONDS:
            self._tick_checked_at = time.monotonic()
            ensure_tick(get_queue(self.app))


class AppWorker(AppBound, Worker):
    """One work horse forked per job, inheriting the app already built."""

    def main_work_horse(self, job, queue):
        with self.app.app_context():
            db.engine.dispose(close=False)  # the pooled connections belong to the parent, not to this fork
        return super().main_work_horse(job, queue)


class AppSimpleWorker(AppBound, SimpleWorker):
    """Jobs run in the worker's own process: one app and its connection pool serve them all."""


def run_worker(app: Flask, burst: bool = False) -> bool:
    worker = AppSimpleWorker([get_queue(app)], connection=get_redis(app), name=f"aap-{os.getpid()}", app=app)
    return worker.work(with_scheduler=True, burst=burst, logging_level="INFO")
