"""What the exports' tests read: a snapshot written by hand in the shape of aap.bilan.figures.snapshot, a published
version of it, and the grants of a call as rows (decisions, tranches, agreements) for the SCDL open data."""
import copy
import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from aap.bilan.models import Bilan, BilanVersion
from aap.decisions.grant_models import AT_SIGNATURE, Agreement
from aap.decisions.models import EQUITY, GRANT, GRANTED, IN_KIND, REFUSED, REPAYABLE, Decision
from aap.decisions.payments_plan import plan_tranches, start_clock, tranches_of
from aap.dossiers.models import Dossier
from aap.extensions import db
from tests import factories
from tests.bilan.figures_world import edition
from tests.decisions.payments_world import co_funder

COUNTER = itertools.count(1)
#: a name a spreadsheet would run as a formula if it were written as is
FORMULA_NAME = '=HYPERLINK("http://example.org";"Cliquez")'
RELEASED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
DELIBERATION = date(2026, 2, 26)
SUBMITTED_AT = datetime(2026, 1, 12, 10, 0, tzinfo=timezone.utc)

SNAPSHOT = {
    "schema": 1, "computed_at": "2026-12-01T22:00:00+00:00", "authority": "Plaine Commune",
    "call": {"id": 3, "title": "Appel à projets ESS — 15e édition", "year": 2021, "edition": 15,
             "envelope": "120000.00", "in_progress": False},
    "funnel": {"received": 43, "eligible": 38, "reviewed": 30, "funded": 15},
    "amounts": {"requested": "310000.00", "proposed": None, "granted": "90000.00", "paid": "63000.00",
                "envelope": "120000.00"},
    "rates": {"success": "34.9", "oversubscription": "2.58", "qpv_share": "66.7", "leverage": "4.12"},
    "structures": {"supported": 15, "in_qpv": 10, "first_time": 9, "returning": 6},
    "jobs": {"planned": "23.50", "created": None},
    "delays": {"decision": {"count": 15, "median_days": 42, "p90_days": 60},
               "first_payment": {"count": 0, "median_days": None, "p90_days": None}},
    "splits": {
        "strand": [{"key": "12", "label": "Création", "received": 20, "funded": 7, "requested": "140000.00",
                    "granted": "42000.00"}],
        "commune": [{"key": "93059", "label": "Pierrefitte-sur-Seine", "received": 3, "funded": 1,
                     "requested": "21000.00", "granted": "6000.00"}],
        "legal_form": [{"key": "association", "label": "Association", "received": 30, "funded": 11,
                        "requested": "200000.00", "granted": "66000.00"}],
        "instrument": [{"key": "grant", "label": "Subvention", "count": 12, "amount": "72000.00"}],
        "funder": [{"key": "authority", "label": "Plaine Commune", "count": 15, "amount": "90000.00"},
                   {"key": "funder-4", "label": "Région Île-de-France", "count": 2, "amount": "8000.00"}],
    },
    "supported": [{"organisation": FORMULA_NAME, "commune": "Saint-Denis", "legal_form": "Association",
                   "strand": "Création", "title": "Ressourcerie", "summary": "-2 tonnes de déchets", "amount": "6000.00",
                   "instrument": "Subvention"},
                  {"organisation": "Ressourcerie du Landy", "commune": "Saint-Denis", "legal_form": "Association",
                   "strand": None, "title": "Réemploi", "summary": "Réparer.", "amount": "4500.50",
                   "instrument": "Aide en nature"}],
    "supported_unlisted": 3,
    "trends": [{"call_id": 1, "year": 2007, "edition": 1, "title": "Appel 2007", "envelope": "15000.00",
                "requested": "27000.00", "granted": "15000.00", "paid": "15000.00", "received": 12, "funded": 5,
                "oversubscription": "1.80"},
               {"call_id": 3, "year": 2021, "edition": 15, "title": "Appel à projets ESS — 15e édition",
                "envelope": None, "requested": "310000.00", "granted": "90000.00", "paid": "63000.00",
                "received": 43, "funded": 15, "oversubscription": None}],
    "paths": {"several_times": 12, "patterns": [{"path": ["Création", "Développement"], "count": 4}]},
}


def snapshot(**changes) -> dict:
    figures = copy.deepcopy(SNAPSHOT)
    figures.update(changes)
    return figures


def publish(call, figures: dict, number: int = 1, at=datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)) -> BilanVersion:
    bilan = db.session.execute(db.select(Bilan).where(Bilan.call_id == call.id)).scalar()
    if bilan is None:
        bilan = Bilan(call_id=call.id, introduction="Brouillon.", commentary="")
        db.session.add(bilan)
        db.session.flush()
    version = BilanVersion(bilan_id=bilan.id, number=number, introduction=f"Introduction v{number}.",
                           commentary="Commentaire.", snapshot=figures, published_at=at, published_by_label="Admin")
    db.session.add(version)
    db.session.commit()
    return version


@dataclass
class Grant:
    dossier: Dossier
    decision: Decision


def grant(call, amount="8000", instrument=GRANT, budget=None, title=None, organisation=None, funder=None,
          outcome=GRANTED, released_at=RELEASED_AT, superseded=False, **organisation_fields) -> Grant:
    """A dossier of the call and the authority's (or `funder`'s) decision on it, released with its schedule."""
    number = next(COUNTER)
    organisation = organisation or factories.make_organisation(
        **{"name": f"Structure ouverte {number}", **organisation_fields})
    dossier = Dossier(call_id=call.id, organisation_id=organisation.id, reference=f"AAP-S{number:05d}",
                      title=title or f"Projet ouvert {number}", state="granted", requested_amount=Decimal(amount),
                      workflow_version_id=call.workflow_version_id, answers={},
                      project_budget=Decimal(budget) if budget else None, submitted_at=SUBMITTED_AT, eligible=True)
    db.session.add(dossier)
    db.session.flush()
    decision = Decision(dossier_id=dossier.id, funder_id=funder.id if funder else None, outcome=outcome,
                        instrument=instrument if outcome == GRANTED else None, amount=Decimal(amount),
                        deliberation_reference=f"DEL-2026-{number:03d}", deliberation_date=DELIBERATION,
                        decided_at=RELEASED_AT, released_at=released_at, superseded=superseded)
    db.session.add(decision)
    db.session.flush()
    if released_at is not None and outcome == GRANTED:
        plan_tranches(decision, released_at)
    db.session.commit()
    return Grant(dossier, decision)


def sign(decision, day: date) -> Agreement:
    """The agreement signed on `day`, which starts its tranches' clock, as the agreement's page does."""
    agreement = Agreement(decision_id=decision.id, text="Convention", signed_on=day)
    db.session.add(agreement)
    start_clock(decision, AT_SIGNATURE, day)
    db.session.commit()
    return agreement


def pay(decision, position: int, day: date):
    tranche = tranches_of(decision)[position - 1]
    tranche.paid_on = day
    db.session.commit()
    return tranche


def notified_plus(days: int) -> date:
    return RELEASED_AT.date() + timedelta(days=days)


#: a La Poste establishment: its digits sum to 30, its Luhn key is wrong
LA_POSTE = "35600000012346"


def realistic_call(title="Appel ouvert — données ouvertes"):
    """Four grants in the file, one waiting for its agreement, and six decisions that are not the file's."""
    call = edition(2026, 20, title=title)
    landy = grant(call, "8000", budget="20000", title="Ressourcerie : réemploi", name="Ressourcerie du Landy")
    pay(landy.decision, 1, date(2026, 4, 10))
    kind = grant(call, "3000", instrument=IN_KIND, name=FORMULA_NAME, siret=None, rna="W931234567")
    big = grant(call, "30000", budget="90000", name='Coopérative "Les Poètes", SCIC', legal_form="scic")
    sign(big.decision, date(2026, 3, 20))
    both = grant(call, "12000.5", budget="10000", siret=LA_POSTE, name="Bureau de poste solidaire")
    pay(both.decision, 1, date(2026, 5, 1))
    pay(both.decision, 2, date(2027, 2, 1))
    waiting = grant(call, "40000", name="Grande Halle")
    grant(call, "10000", instrument=EQUITY, legal_form="scic")
    grant(call, "5000", instrument=REPAYABLE)
    grant(call, "5000", funder=co_funder(call))
    grant(call, "5000", outcome=REFUSED)
    grant(call, "5000", released_at=None)
    grant(call, "5000", superseded=True)
    return call, {"landy": landy, "kind": kind, "big": big, "both": both, "waiting": waiting}
