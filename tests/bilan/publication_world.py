"""A finished edition and its figures built by hand, exactly in the shape aap.bilan.figures.snapshot returns."""
import html
import itertools
import re
from datetime import timedelta

from aap.bilan import operations, queries
from aap.core.models import utcnow
from aap.extensions import db
from tests import factories

COUNTER = itertools.count(1)


def finished_call(title=None, year=2021, edition=15, **fields):
    """A call closed a month ago, whose dossiers are all decided (as far as its figures say)."""
    now = utcnow()
    return factories.make_call(title=title or f"Appel ESS bilan {next(COUNTER)}", year=year, edition=edition,
                               state="closed", opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=30),
                               **fields)


def words(response) -> str:
    """The page's text as read: tags removed, entities decoded, spaces collapsed (no-break spaces kept)."""
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True))))


def admin(email=None):
    return factories.make_user(email=email or f"admin{next(COUNTER)}.bilan@example.org", roles=("admin",), totp=True)


def _split(key, label, received, funded, requested, granted) -> dict:
    return {"key": key, "label": label, "received": received, "funded": funded, "requested": requested,
            "granted": granted}


def snapshot(call, **changes) -> dict:
    """The bilan of `call` as the figures would give it; `changes` replaces top-level parts."""
    figures = {
        "schema": 1, "computed_at": "2026-12-01T22:00:00+00:00", "authority": "Plaine Commune",
        "call": {"id": call.id, "title": call.title, "year": call.year, "edition": call.edition,
                 "envelope": "120000.00", "in_progress": False, "awaiting": 0},
        "funnel": {"received": 43, "eligible": 38, "reviewed": 30, "funded": 15},
        "amounts": {"requested": "310000.00", "proposed": "95000.00", "granted": "90000.00", "paid": "63000.00",
                    "envelope": "120000.00"},
        "rates": {"success": "34.9", "oversubscription": "2.58", "qpv_share": "66.7", "leverage": "4.12"},
        "structures": {"supported": 15, "in_qpv": 10, "first_time": 9, "returning": 6},
        "jobs": {"planned": "23.50", "created": "18.00"},
        "delays": {"decision": {"count": 15, "median_days": 42, "p90_days": 60},
                   "first_payment": {"count": 12, "median_days": 35, "p90_days": 58}},
        "splits": {
            "strand": [_split("12", "Création", 20, 7, "140000.00", "42000.00"),
                       _split("13", "Développement", 15, 5, "110000.00", "30000.00"),
                       _split("14", "Coopération", 8, 3, "60000.00", "18000.00")],
            "commune": [_split("93066", "Saint-Denis", 25, 9, "180000.00", "54000.00"),
                        _split("93059", "Pierrefitte-sur-Seine", 3, 1, "20000.00", "6000.00"),
                        _split("93001", "Aubervilliers", 15, 5, "110000.00", "30000.00")],
            "legal_form": [_split("association", "Association", 30, 10, "200000.00", "60000.00"),
                           _split("scic", "SCIC", 13, 5, "110000.00", "30000.00")],
            "instrument": [{"key": "grant", "label": "Subvention", "count": 12, "amount": "72000.00"},
                           {"key": "equity", "label": "Prise de participation", "count": 3, "amount": "18000.00"}],
            "funder": [{"key": "authority", "label": "Plaine Commune", "count": 15, "amount": "90000.00"},
                       {"key": "funder-4", "label": "Région Île-de-France", "count": 2, "amount": "12000.00"}],
        },
        "supported": [
            {"organisation": "Ressourcerie du Landy", "commune": "Saint-Denis", "legal_form": "Association",
             "strand": "Création", "title": "Atelier de réemploi", "summary": "Collecte et revente d'objets.",
             "amount": "6000.00", "instrument": "Subvention"},
            {"organisation": "Coopérative des Docks", "commune": "Aubervilliers", "legal_form": "SCIC",
             "strand": None, "title": "Cuisine partagée", "summary": "Une cuisine pour les traiteurs du quartier.",
             "amount": "12000.00", "instrument": "Prise de participation"}],
        "supported_unlisted": 13,
        "trends": [
            {"call_id": 901, "year": 2007, "edition": 1, "title": "Appel ESS 2007", "envelope": "15000.00",
             "requested": "27000.00", "granted": "15000.00", "paid": "15000.00", "received": 12, "funded": 5,
             "oversubscription": "1.80"},
            {"call_id": 902, "year": 2014, "edition": 8, "title": "Appel ESS 2014", "envelope": None,
             "requested": "150000.00", "granted": "60000.00", "paid": "60000.00", "received": 30, "funded": 10,
             "oversubscription": None},
            {"call_id": call.id, "year": call.year, "edition": call.edition, "title": call.title,
             "envelope": "120000.00", "requested": "310000.00", "granted": "90000.00", "paid": "63000.00",
             "received": 43, "funded": 15, "oversubscription": "2.58"}],
        "paths": {"several_times": 12,
                  "patterns": [{"path": ["Création", "Développement"], "count": 4},
                               {"path": ["Création", "Développement", "Coopération"], "count": 2}]},
    }
    figures.update(changes)
    return figures


def in_progress(call, awaiting=3, **changes) -> dict:
    figures = snapshot(call, **changes)
    figures["call"] = {**figures["call"], "in_progress": True, "awaiting": awaiting}
    return figures


def figures_by_hand(monkeypatch):
    """The live figures of every call become `snapshot` (the preview's, what publishing freezes); .set(fn) changes
    them to fn(call)."""

    class Figures:
        maker = staticmethod(snapshot)

        def set(self, maker):
            self.maker = maker

    chosen = Figures()
    monkeypatch.setattr("aap.bilan.queries.live_figures", lambda call, now: chosen.maker(call))
    return chosen


def published(call, person, introduction="", commentary="", note=""):
    """The next version of the call's bilan, published through the operation as the publish view does."""
    bilan = operations.save_texts(call, introduction, commentary, _stored_digest(call), person)
    number = (queries.latest_number(call.id) or 0) + 1
    version = operations.publish(call, person, utcnow(), number,
                                 operations.texts_digest(bilan.introduction, bilan.commentary), note)
    db.session.commit()
    return version


def _stored_digest(call) -> str:
    draft = queries.draft_of(call.id)
    return operations.texts_digest(draft.introduction, draft.commentary) if draft else operations.texts_digest("", "")
