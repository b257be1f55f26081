"""Faults of the real parts: Redis stopped during a transition, a worker killed in the middle of a send."""
import asyncio
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import time_machine
from rq import SimpleWorker

from aap.core import jobs
from aap.core.models import utcnow
from aap.core.periodic import run_sweeps
from aap.core.queue import get_queue, get_redis
from aap.extensions import db
from aap.mail.models import Mail
from aap.mail.outbox import queue_mail
from aap.workflow import engine
from tests import factories
from tests.conftest import build_test_app
from tests.services import RedisServer, free_port, postgres_database

ROOT = Path(__file__).resolve().parents[2]


def _submittable_dossier():
    holder = factories.make_user(email="porteuse@example.org")
    call = factories.make_open_call()
    organisation = factories.make_organisation(members=[holder])
    dossier = factories.make_dossier(call, organisation, holder, complete=True)
    return holder, dossier


def test_with_redis_stopped_during_a_transition_the_receipt_arrives_after_it_restarts(app, session, mailbox):
    holder, dossier = _submittable_dossier()
    original = get_redis(app)
    outage = RedisServer()
    app.extensions["aap_redis"] = redis.Redis.from_url(outage.url, socket_connect_timeout=1)
    outage.stop()
    restarted = None
    try:
        engine.apply_transition(dossier.id, "submit", holder)
        db.session.commit()  # the enqueue fails after the commit; the change and its mail row stay
        mail = db.session.execute(db.select(Mail).where(Mail.to_address == holder.email)).scalar_one()
        assert mail.status == "pending" and dossier.state == "submitted"
        restarted = RedisServer()
        app.extensions["aap_redis"] = redis.Redis.from_url(restarted.url)
        with time_machine.travel(utcnow() + timedelta(minutes=1)):
            assert run_sweeps()["relayed"] >= 1  # as the worker does when it starts, then every minute
            SimpleWorker([get_queue(app)], connection=get_redis(app)).work(burst=True, logging_level="WARNING")
    finally:
        app.extensions["aap_redis"] = original
        if restarted:
            restarted.stop()
    [receipt] = mailbox.to(holder.email)
    assert "Accusé de réception" in receipt["Subject"]


class StallingSmtpHandler:
    """Holds every conversation at RCPT TO, as a slow server would, so a worker can be killed mid-send."""

    def __init__(self):
        self.reached = threading.Event()
        self.completed = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.reached.set()
        await asyncio.sleep(60)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.completed += 1
        return "250 OK"


@pytest.fixture
def committed_app(app, redis_server, smtp_server, tmp_path):
    """An app whose data is really committed, so that a worker in another process sees it."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        url = postgres_database(f"aap_faults_{os.getpid()}")
    else:
        url = f"sqlite:///{tmp_path / 'committed.sqlite3'}"
    other = build_test_app(url, redis_server.url, SMTP_URL=smtp_server.url)
    yield other
    jobs.bind_app(app)
    with other.app_context():
        db.engine.dispose()


def _worker_environment(app, smtp_url):
    return {**os.environ, "AAP_ENV": "test", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": app.config["REDIS_URL"], "SMTP_URL": smtp_url, "PUBLIC_URL": "http://localhost"}


def _start_worker(app, smtp_url):
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "aap", "worker", "--burst"],
                            cwd=ROOT, env=_worker_environment(app, smtp_url), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def test_a_worker_killed_in_the_middle_of_a_send_leaves_the_mail_to_arrive_once(committed_app, mailbox):
    from aiosmtpd.controller import Controller

    stalling = StallingSmtpHandler()
    slow_server = Controller(stalling, hostname="127.0.0.1", port=free_port())
    slow_server.start()
    try:
        with committed_app.app_context():
            user = factories.make_user(email="destinataire@example.org")
            mail_id = queue_mail(user.email, "verify_email", user=user, link="http://localhost/x").id
            db.session.commit()
        process = _start_worker(committed_app, f"smtp://127.0.0.1:{slow_server.port}")
        assert stalling.reached.wait(60), process.stderr.read1().decode() if process.poll() is not None else ""
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        slow_server.stop()
    assert stalling.completed == 0
    jobs.bind_app(committed_app)
    with committed_app.app_context():
        assert db.session.get(Mail, mail_id).status == "sending"  # claimed by the dead worker
        with time_machine.travel(utcnow() + timedelta(minutes=11)):
            assert run_sweeps()["relayed"] == 1
            SimpleWorker([get_queue()], connection=get_redis()).work(burst=True, logging_level="WARNING")
            assert run_sweeps()["relayed"] == 0
        mail = db.session.get(Mail, mail_id)
        assert (mail.status, mail.attempts) == ("sent", 2)
    assert len(mailbox.to("destinataire@example.org")) == 1


def test_a_plain_rq_worker_delivers_the_outbox(committed_app, mailbox):
    with committed_app.app_context():
        user = factories.make_user(email="simple@example.org")
        mail_id = queue_mail(user.email, "verify_email", user=user, link="http://localhost/x").id
        db.session.commit()
    rq = Path(sys.executable).with_name("rq")
    finished = subprocess.run([str(rq), "worker", "--burst", "--url", committed_app.config["REDIS_URL"], "aap"],
                              cwd=ROOT, env=_worker_environment(committed_app, committed_app.config["SMTP_URL"]),
                              capture_output=True, timeout=120)
    assert finished.returncode == 0, finished.stderr.decode()
    with committed_app.app_context():
        assert db.session.get(Mail, mail_id).status == "sent"
    assert len(mailbox.to("simple@example.org")) == 1


@pytest.mark.parametrize("worker_class, built_once", [(None, False), ("aap.core.worker.AppWorker", True)])
def test_the_recommended_rq_worker_builds_the_app_once_not_for_every_job(committed_app, mailbox, worker_class,
                                                                         built_once):
    from tests.notifications.worker_jobs import app_was_built_before_the_job

    with committed_app.app_context():
        user = factories.make_user(email="fourche@example.org")
        mail_id = queue_mail(user.email, "verify_email", user=user, link="http://localhost/x").id
        db.session.commit()
        probes = [get_queue().enqueue(app_was_built_before_the_job) for _ in range(2)]
    rq = Path(sys.executable).with_name("rq")
    options = ["--worker-class", worker_class] if worker_class else []
    command = [str(rq), "worker", "--burst", *options, "--url", committed_app.config["REDIS_URL"], "aap"]
    environment = _worker_environment(committed_app, committed_app.config["SMTP_URL"])
    finished = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, timeout=120)
    assert finished.returncode == 0, finished.stderr.decode()
    # each job runs in its own forked work horse: only a worker that built the app first hands it down
    assert [probe.latest_result().return_value for probe in probes] == [built_once, built_once]
    with committed_app.app_context():
        assert db.session.get(Mail, mail_id).status == "sent"
    assert len(mailbox.to("fourche@example.org")) == 1
