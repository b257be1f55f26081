"""A bilan snapshot built by hand in the documented shape, and a published version of it, for the PDF's tests."""
import copy
from datetime import datetime, timezone

from aap.bilan.models import Bilan, BilanVersion
from aap.extensions import db

#: an organisation's name that would be markup, or a spreadsheet formula, if it were not escaped
HOSTILE_NAME = '<script>alert("x")</script> =HYPERLINK("http://evil.example")'

SNAPSHOT = {
    "schema": 1,
    "computed_at": "2021-12-01T22:00:00+00:00",
    "authority": "Plaine Commune",
    "call": {"id": 0, "title": "Appel à projets ESS — 15e édition", "year": 2021, "edition": 15,
             "envelope": "120000.00", "in_progress": False},
    "funnel": {"received": 43, "eligible": 38, "reviewed": 30, "funded": 15},
    "amounts": {"requested": "310000.00", "proposed": "95000.00", "granted": "90000.00", "paid": "63000.00",
                "envelope": "120000.00"},
    "rates": {"success": "34.9", "oversubscription": "2.58", "qpv_share": "66.7", "leverage": "4.12"},
    "structures": {"supported": 15, "in_qpv": 10, "first_time": 9, "returning": 6},
    "jobs": {"planned": "23.50", "created": "18.00"},
    "delays": {"decision": {"count": 15, "median_days": 42, "p90_days": 60},
               "first_payment": {"count": 12, "median_days": 35, "p90_days": 58}},
    "splits": {
        "strand": [{"key": "12", "label": "Création", "received": 20, "funded": 7, "requested": "140000.00",
                    "granted": "42000.00"},
                   {"key": "13", "label": "Développement", "received": 23, "funded": 8, "requested": "170000.00",
                    "granted": "48000.00"}],
        "commune": [{"key": "93059", "label": "Pierrefitte-sur-Seine", "received": 3, "funded": 1,
                     "requested": "21000.00", "granted": "6000.00"},
                    {"key": "93066", "label": "Saint-Denis", "received": 40, "funded": 14,
                     "requested": "289000.00", "granted": "84000.00"}],
        "legal_form": [{"key": "association", "label": "Association", "received": 35, "funded": 12,
                        "requested": "250000.00", "granted": "72000.00"},
                       {"key": "scic", "label": "SCIC", "received": 8, "funded": 3, "requested": "60000.00",
                        "granted": "18000.00"}],
        "instrument": [{"key": "grant", "label": "Subvention", "count": 12, "amount": "72000.00"},
                       {"key": "repayable", "label": "Avance remboursable", "count": 3, "amount": "18000.00"}],
        "funder": [{"key": "authority", "label": "Plaine Commune", "count": 15, "amount": "90000.00"},
                   {"key": "funder-4", "label": "Région Île-de-France", "count": 2, "amount": "12500.50"}],
    },
    "supported": [
        {"organisation": "Ressourcerie du Landy", "commune": "Saint-Denis", "legal_form": "Association",
         "strand": "Création", "title": "Atelier de réemploi", "summary": "Collecter et réparer les objets du quartier.",
         "amount": "6000.00", "instrument": "Subvention"},
        {"organisation": "Coopérative des Pierrefittois", "commune": "Pierrefitte-sur-Seine", "legal_form": "SCIC",
         "strand": None, "title": "Épicerie solidaire", "summary": "", "amount": "12500.50",
         "instrument": "Avance remboursable"},
    ],
    "supported_unlisted": 13,
    "trends": [
        {"call_id": 1, "year": 2007, "edition": 1, "title": "Appel à projets ESS — 1re édition",
         "envelope": "15000.00", "requested": "27000.00", "granted": "15000.00", "paid": "15000.00",
         "received": 12, "funded": 5, "oversubscription": "1.80"},
        {"call_id": 0, "year": 2021, "edition": 15, "title": "Appel à projets ESS — 15e édition",
         "envelope": "120000.00", "requested": "310000.00", "granted": "90000.00", "paid": "63000.00",
         "received": 43, "funded": 15, "oversubscription": "2.58"},
    ],
    "paths": {"several_times": 12, "patterns": [{"path": ["Création", "Développement"], "count": 4}]},
}


def snapshot(**changes) -> dict:
    """A fresh copy of the documented snapshot, with top-level parts replaced."""
    built = copy.deepcopy(SNAPSHOT)
    built.update(changes)
    return built


def published_version(call, number: int = 1, snapshot_dict: dict | None = None, **fields) -> BilanVersion:
    """A version row made by hand, as publishing makes it, for a call (its snapshot names that call)."""
    bilan = db.session.execute(db.select(Bilan).where(Bilan.call_id == call.id)).scalar_one_or_none()
    if bilan is None:
        bilan = Bilan(call_id=call.id, introduction="", commentary="")
        db.session.add(bilan)
        db.session.flush()
    frozen = snapshot_dict or snapshot()
    frozen["call"] = {**frozen["call"], "id": call.id, "title": call.title, "year": call.year}
    version = BilanVersion(bilan_id=bilan.id, number=number, snapshot=frozen,
                           published_at=fields.pop("published_at", datetime(2022, 1, 20, 9, 0, tzinfo=timezone.utc)),
                           introduction=fields.pop("introduction", "Le **bilan** de l'édition."),
                           commentary=fields.pop("commentary", "Une année de *croissance*."), **fields)
    db.session.add(version)
    db.session.flush()
    return version
