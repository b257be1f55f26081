"""Released decisions written as rows, for the letters and agreements: a call, a holder, a dossier at the decision's
step, the decision with its payment tranches, and the staff who follow it."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from aap.core.models import utcnow
from aap.decisions.grant_models import AFTER_REPORT, AT_SIGNATURE, PaymentTranche
from aap.decisions.models import GRANT, GRANTED, Decision, Funder, FunderDecider
from aap.dossiers.models import Dossier
from aap.extensions import db
from tests import factories

_numbers = count(1)


@dataclass
class World:
    call: object
    holder: object
    admin: object
    dossier: object
    decision: object


def make_dossier(call, holder, state: str = "granted", **fields) -> Dossier:
    number = next(_numbers)
    organisation = factories.make_organisation(members=[holder], name=fields.pop("organisation", f"Structure {number}"),
                                               address=fields.pop("address", "12 rue du Canal"))
    dossier = Dossier(call_id=call.id, organisation_id=organisation.id, reference=f"AAP-DOC{number:05d}",
                      title=fields.pop("title", f"Projet {number}"), summary="Un jardin partagé.", state=state,
                      requested_amount=Decimal("40000"), workflow_version_id=call.workflow_version_id,
                      answers=fields.pop("answers", {"start_date": "2026-01-01", "end_date": "2026-12-31"}),
                      **fields)
    db.session.add(dossier)
    db.session.commit()
    return dossier


def make_decision(dossier, amount="30000", outcome=GRANTED, instrument=GRANT, funder=None, released=True,
                  tranches=((70, AT_SIGNATURE, "Acompte"), (30, AFTER_REPORT, "Solde")), **fields) -> Decision:
    now = utcnow()
    granted = outcome == GRANTED
    decision = Decision(dossier_id=dossier.id, funder_id=funder.id if funder else None, outcome=outcome,
                        instrument=instrument if granted else None, amount=Decimal(amount) if granted else None,
                        details=fields.pop("details", {}), motivation=fields.pop("motivation", ""),
                        deliberation_reference=fields.pop("deliberation_reference", "CT-2026-118"),
                        deliberation_date=fields.pop("deliberation_date", date(2026, 3, 17)),
                        decided_at=now - timedelta(days=3), released_at=now - timedelta(days=2) if released else None,
                        **fields)
    db.session.add(decision)
    db.session.flush()
    for position, (share, trigger, label) in enumerate(tranches if granted else (), start=1):
        db.session.add(PaymentTranche(decision_id=decision.id, position=position, label=label,
                                      share_percent=Decimal(share), trigger=trigger,
                                      amount=(Decimal(amount) * share / 100).quantize(Decimal("0.01"))))
    db.session.commit()
    return decision


def granted(amount="30000", state="granted", call_title=None, **fields) -> World:
    """A released grant of the authority on a dossier in the workflow's `granted` state."""
    number = next(_numbers)
    call = factories.make_open_call(title=call_title or f"Appel ESS documents {number}",
                                    funders=["Plaine Commune", "Département"])
    holder = factories.make_user(full_name="Awa Porteuse", email=f"porteuse.documents{number}@example.org")
    admin = factories.make_user(roles=("admin",), totp=True, email=f"admin.documents{number}@example.org")
    dossier = make_dossier(call, holder, state=state, **{k: fields.pop(k) for k in ("organisation", "title", "answers",
                                                                                     "address") if k in fields})
    return World(call, holder, admin, dossier, make_decision(dossier, amount, **fields))


def co_funder(call, name="Département de la Seine-Saint-Denis", decider=None) -> Funder:
    funder = Funder(call_id=call.id, name=name, envelope=Decimal("100000"))
    db.session.add(funder)
    db.session.flush()
    if decider is not None:
        db.session.add(FunderDecider(funder_id=funder.id, user_id=decider.id))
    db.session.commit()
    return funder


def plain(text: str) -> str:
    """Text with the narrow and non-breaking spaces of French numbers as plain spaces, to compare with."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")
