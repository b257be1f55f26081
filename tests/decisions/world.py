"""A call whose dossiers wait for their decision, written as rows: strands with envelopes, holders, a budget."""
import itertools
from datetime import date
from decimal import Decimal

from aap.calls.models import Strand
from aap.decisions.models import Funder
from aap.dossiers.models import Dossier
from aap.extensions import db
from tests import factories

COUNTER = itertools.count(1)
#: a balanced Cerfa budget of 40,000 €: 10,000 asked of the call, the rest from the Région and sales
BUDGET = {"60": "15000", "64": "25000", "74-call": "10000", "74-region": "12000", "70": "18000"}


def deciding_call(total="100000", strands=(("Création", "60000"), ("Développement", None)), **fields):
    call = factories.make_open_call(title=fields.pop("title", f"Appel décisions {next(COUNTER)}"),
                                    total_envelope=Decimal(total) if total is not None else None,
                                    funders=["Plaine Commune"], **fields)
    for position, (name, envelope) in enumerate(strands):
        db.session.add(Strand(call_id=call.id, name=name, position=position,
                              envelope=Decimal(envelope) if envelope is not None else None))
    db.session.commit()
    return call


def waiting_dossier(call, strand=None, requested="10000", state="committee_opinion", legal_form="association",
                    holder=None, budget=None) -> Dossier:
    """A dossier the committee gave its opinion on: at the decision's step."""
    number = next(COUNTER)
    holder = holder or factories.make_user(email=f"porteur{number}.decisions@example.org")
    organisation = factories.make_organisation(members=[holder], name=f"Structure {number}", legal_form=legal_form)
    dossier = Dossier(call_id=call.id, organisation_id=organisation.id,
                      strand_id=(strand or call.strands[0]).id, reference=f"AAP-D{number:05d}",
                      title=f"Projet {number}", state=state, requested_amount=Decimal(requested),
                      workflow_version_id=call.workflow_version_id,
                      answers={"budget": dict(budget or BUDGET), "end_date": "2027-06-30"})
    db.session.add(dossier)
    db.session.commit()
    return dossier


def admin():
    return factories.make_user(email=f"admin{next(COUNTER)}.decisions@example.org", roles=("admin",), totp=True)


def cofunder(call, name="Région Île-de-France", envelope="30000", deciders=()) -> Funder:
    funder = Funder(call_id=call.id, name=name, envelope=Decimal(envelope) if envelope else None, position=0)
    db.session.add(funder)
    db.session.commit()
    from aap.decisions.funder_operations import seat_decider  # the one way a seat gives its role

    for person in deciders:
        seat_decider(funder, person.email)
    db.session.commit()
    return funder


def granted_form(amount="8000", **fields) -> dict:
    return {"outcome": "granted", "instrument": "grant", "amount": amount, "deliberation_reference": "DEL-2026-114",
            "deliberation_date": date(2026, 6, 12), **fields}


def posted(amount="8000", **fields) -> dict:
    """The decision form as a browser sends it."""
    return {"outcome": "granted", "instrument": "grant", "amount": amount, "deliberation_reference": "DEL-2026-114",
            "deliberation_date": "12/06/2026", **fields}


def eur(value) -> str:
    """An amount as the pages write it (narrow spaces, no cents for whole euros)."""
    from aap.core.formatting import money

    return money(Decimal(value))
