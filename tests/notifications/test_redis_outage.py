"""A real redis-server stopped and started under a real worker process: scheduled work resumes within 90 s."""
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from rq import Queue
from rq.job import JobStatus

from aap.core import jobs
from aap.core.models import utcnow
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.mail.models import Mail
from aap.mail.outbox import queue_mail
from aap.mail.tasks import RELAY_GRACE
from aap.workflow import engine
from tests import factories
from tests.conftest import build_test_app
from tests.notifications.worker_jobs import take_a_few_seconds
from tests.services import RedisServer, postgres_database

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WORKERS = {
    "aap worker": [str(BIN / "flask"), "--app", "wsgi", "aap", "worker"],
    "rq worker --worker-class": [str(BIN / "rq"), "worker", "--with-scheduler", "--worker-class",
                                 "aap.core.worker.AppWorker"],
}
ADDRESS = "pendant-la-panne@example.org"
#: what the design asks: scheduled work resumes this soon after Redis is back
WITHIN = 90


@pytest.fixture
def outage(app, smtp_server, tmp_path):
    """A redis-server of its own, and an app on a database of its own whose commits a worker process sees."""
    server = RedisServer(server=True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        url = postgres_database(f"aap_outage_{os.getpid()}")
    else:
        url = f"sqlite:///{tmp_path / 'outage.sqlite3'}"
    other = build_test_app(url, server.url, SMTP_URL=smtp_server.url,
                           AUDIT_CHECKPOINT_FILE=str(tmp_path / "audit-checkpoints.log"))
    yield server, other
    jobs.bind_app(app)
    with other.app_context():
        db.engine.dispose()
    server.stop()


def _start(command: list[str], app, log: Path) -> subprocess.Popen:
    environment = {**os.environ, "AAP_ENV": "test", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                   "REDIS_URL": app.config["REDIS_URL"], "SMTP_URL": app.config["SMTP_URL"],
                   "PUBLIC_URL": "http://localhost", "AUDIT_CHECKPOINT_FILE": app.config["AUDIT_CHECKPOINT_FILE"]}
    arguments = command + (["--url", app.config["REDIS_URL"], "aap"] if command[1] == "worker" else [])
    return subprocess.Popen(arguments, cwd=ROOT, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT)


def _wait_for(condition, seconds: float, process, log: Path) -> float:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        assert process.poll() is None, f"the worker exited:\n{log.read_text()}"
        time.sleep(0.5)
    raise AssertionError(f"not within {seconds} s; worker log:\n{log.read_text()[-4000:]}")


def _all_sent(app) -> bool:
    """The worker is idle: the mails of the setup have left (a job cut by the outage is another matter)."""
    with app.app_context():
        waiting = db.session.execute(db.select(db.func.count()).select_from(Mail).where(Mail.status != "sent")).scalar()
        db.session.rollback()
    return waiting == 0


def _dossier_waiting_for_information() -> int:
    holder = factories.make_user(email="porteuse@example.org")
    instructor = factories.make_user(roles=("instructor",), totp=True)
    call = factories.make_open_call()
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    engine.apply_transition(dossier.id, "submit", holder)
    engine.apply_transition(dossier.id, "request_info", instructor, {"comment": "Il manque le budget."})
    db.session.commit()
    return dossier.id


@pytest.mark.parametrize("worker", sorted(WORKERS))
def test_after_a_redis_outage_pending_mail_leaves_and_the_tick_runs_again_within_90_s(outage, worker, tmp_path,
                                                                                     mailbox):
    server, app = outage
    log = tmp_path / "worker.log"
    with app.app_context():
        dossier_id = _dossier_waiting_for_information()
        mailbox.clear()
    process = _start(WORKERS[worker], app, log)
    try:
        connection = redis.Redis.from_url(server.url)
        _wait_for(lambda: connection.exists("rq:scheduler-lock:aap") and _all_sent(app), 60, process, log)
        # Redis goes away while a job runs: a stock worker would quit when it records the job's end
        running = Queue("aap", connection=connection).enqueue(take_a_few_seconds, 3)
        _wait_for(lambda: running.get_status(refresh=True) == JobStatus.STARTED, 30, process, log)
        server.interrupt()
        started = time.monotonic()
        with app.app_context():
            user = factories.make_user(email=ADDRESS)
            queue_mail(ADDRESS, "verify_email", user=user, link="http://localhost/x")
            db.session.commit()  # written, but its job cannot reach Redis
            # the timeout became due while Redis was away: only the periodic tick can fire it now
            db.session.get(Dossier, dossier_id).timeout_at = utcnow() - timedelta(minutes=1)
            db.session.commit()
        # a half-minute outage: the mail is past the relay's grace when Redis is back
        time.sleep(max(0.0, RELAY_GRACE.total_seconds() + 1 - (time.monotonic() - started)))
        server.resume()
        back = time.monotonic()

        def caught_up() -> bool:
            with app.app_context():
                mail = db.session.execute(db.select(Mail.status).where(Mail.to_address == ADDRESS)).scalar()
                state = db.session.execute(db.select(Dossier.state).where(Dossier.id == dossier_id)).scalar()
                db.session.rollback()
            return mail == "sent" and state != "info_requested"

        done = _wait_for(caught_up, WITHIN, process, log)
    finally:
        process.terminate()
        process.wait(30)
    assert len(mailbox.to(ADDRESS)) == 1
    assert "Redis perdu à la fin de la tâche" in log.read_text()  # the job cut by the outage did not end the worker
    assert done - back < WITHIN, f"{done - back:.0f} s"
