"""Two numbered editions written as rows, with every figure of the bilan known in advance."""
import itertools
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from aap.calls.models import Call, Strand
from aap.decisions.grant_models import FinalReport, PaymentTranche
from aap.decisions.models import Decision
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow.operations import load_named, pin_version
from tests import factories

COUNTER = itertools.count(1)


def edition(year=2021, number=15, envelope="50000", state="archived", title=None) -> Call:
    call = Call(title=title or f"Appel figures {next(COUNTER)}", year=year, edition=number, state=state,
                total_envelope=Decimal(envelope) if envelope else None, funders=["Plaine Commune"])
    db.session.add(call)
    db.session.flush()
    call.workflow_version_id = pin_version(load_named(call.workflow_name)).id
    for position, name in enumerate(("Création", "Développement")):
        db.session.add(Strand(call_id=call.id, name=name, position=position))
    db.session.commit()
    return call


def structure(name=None, commune="93066", legal_form="association", in_qpv=False):
    return factories.make_organisation(name=name or f"Structure figures {next(COUNTER)}", commune_insee=commune,
                                       legal_form=legal_form, in_qpv=in_qpv)


def received(call, organisation, requested, strand=None, eligible=True, budget=None, jobs=None,
             submitted=datetime(2021, 6, 1, 10, tzinfo=timezone.utc), consent=False, summary="", state="refused"):
    strands = {s.name: s for s in call.strands}
    dossier = Dossier(call_id=call.id, organisation_id=organisation.id,
                      strand_id=strands[strand].id if strand else None,
                      reference=f"AAP-F{next(COUNTER):05d}", title=f"Projet de {organisation.name}", state=state,
                      requested_amount=Decimal(requested), workflow_version_id=call.workflow_version_id,
                      submitted_at=submitted, eligible=eligible,
                      project_budget=Decimal(budget) if budget else None, jobs_planned=Decimal(jobs) if jobs else None,
                      publication_consent=consent, public_summary=summary)
    db.session.add(dossier)
    db.session.commit()
    return dossier


def decide(dossier, outcome="granted", amount=None, after_days=30, instrument="grant", funder=None,
           released=True, superseded=False) -> Decision:
    at = dossier.submitted_at + timedelta(days=after_days)
    decision = Decision(dossier_id=dossier.id, funder_id=funder.id if funder else None, outcome=outcome,
                        instrument=instrument if outcome == "granted" else None,
                        amount=Decimal(amount) if amount else None, deliberation_reference=f"DEL-{dossier.id}",
                        deliberation_date=at.date(), decided_at=at, released_at=at if released else None,
                        superseded=superseded)
    db.session.add(decision)
    db.session.commit()
    return decision


def pay(decision, share="70", after_days=10, paid=True) -> PaymentTranche:
    amount = (decision.amount * Decimal(share) / 100).quantize(Decimal("0.01"))
    tranche = PaymentTranche(decision_id=decision.id, position=1 if share == "70" else 2, label="Acompte",
                             share_percent=Decimal(share), amount=amount, trigger="notification",
                             due_on=decision.released_at.date() + timedelta(days=60),
                             paid_on=decision.released_at.date() + timedelta(days=after_days) if paid else None)
    db.session.add(tranche)
    db.session.commit()
    return tranche


def report(dossier, jobs="1.5", state="accepted") -> FinalReport:
    final = FinalReport(dossier_id=dossier.id, state=state, content={"jobs_fte": jobs}, due_on=date(2022, 12, 31))
    db.session.add(final)
    db.session.commit()
    return final


def two_editions():
    """2020 funds A in création; 2021 funds A again (développement) and B, refuses C, finds D ineligible."""
    earlier, call = edition(2020, 14, "40000"), edition(2021, 15, "50000")
    a = structure("Atelier A", commune="93059", in_qpv=True)
    b, c = structure("Brasserie B", legal_form="scic"), structure("Cantine C", commune="93070")
    d = structure("Dépôt D", commune="75056", legal_form="scop")
    decide(received(earlier, a, "6000", "Création", submitted=datetime(2020, 6, 1, tzinfo=timezone.utc)), amount="5000")
    one = received(call, a, "10000", "Développement", budget="40000", jobs="2", consent=True,
                   summary="Réparer et réemployer.", state="closed")
    first = decide(one, amount="8000", after_days=30)
    pay(first, "70", after_days=10)
    pay(first, "30", paid=False)
    report(one, "1.5")
    two = received(call, b, "20000", "Développement", budget="100000", jobs="3", state="granted")
    pay(decide(two, amount="12000", after_days=40, instrument="equity"), "70", after_days=20)
    three = received(call, c, "15000", "Création")
    decide(three, "postponed", after_days=20, superseded=True)
    decide(three, "refused", after_days=50)
    decide(three, amount="9000", released=False)
    received(call, d, "5000", eligible=False, state="ineligible")
    draft = Dossier(call_id=call.id, organisation_id=d.id, title="Brouillon", state="draft",
                    requested_amount=Decimal(99999), workflow_version_id=call.workflow_version_id)
    db.session.add(draft)
    db.session.commit()
    return earlier, call
