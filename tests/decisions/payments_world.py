"""A granted dossier and its released decision, written as rows, for the payments' tests."""
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from itertools import count

from aap.auth.models import User
from aap.calls.models import Call
from aap.decisions.bank_models import BankAccount
from aap.decisions.grant_models import ACCEPTED, Agreement, FinalReport
from aap.decisions.models import GRANT, GRANTED, Decision, Funder, FunderDecider
from aap.decisions.payments_plan import plan_tranches
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.models import Organisation
from aap.workflow import audit
from tests import factories

_numbers = count(1)
#: the European Payments Council's example of a French IBAN, with its bank's BIC
IBAN, BIC = "FR7630006000011234567890189", "AGRIFRPP"
OTHER_IBAN = "FR1420041010050500013M02606"
RELEASED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


@dataclass
class World:
    call: Call
    organisation: Organisation
    holder: User
    dossier: Dossier
    decision: Decision
    admin: User
    instructor: User


def granted_dossier(call, organisation, holder, state="granted", title=None) -> Dossier:
    """A submitted dossier at a grant's step, with the first record of its audit chain."""
    number = next(_numbers)
    dossier = Dossier(call_id=call.id, organisation_id=organisation.id, reference=f"AAP-P{number:05d}",
                      title=title or f"Projet financé {number}", state=state, requested_amount=Decimal("40000"),
                      workflow_version_id=call.workflow_version_id, answers={})
    db.session.add(dossier)
    db.session.flush()
    audit.append(dossier, transition="create", from_state=None, to_state=state, actor=holder, at=RELEASED_AT)
    db.session.commit()
    return dossier


def decision_on(dossier, amount="20000", instrument=GRANT, funder=None, released_at=RELEASED_AT,
                outcome=GRANTED) -> Decision:
    decision = Decision(dossier_id=dossier.id, funder_id=funder.id if funder else None, outcome=outcome,
                        instrument=instrument, amount=Decimal(amount), deliberation_reference="DEL-2026-014",
                        deliberation_date=date(2026, 2, 26), decided_at=RELEASED_AT, released_at=released_at)
    db.session.add(decision)
    db.session.commit()
    return decision


def world(amount="20000", instrument=GRANT, state="granted", released_at=RELEASED_AT, planned=True,
          call=None, title=None) -> World:
    call = call or factories.make_open_call(title=f"Appel ESS versements {next(_numbers)}")
    holder = factories.make_user(full_name="Awa Diallo")
    organisation = factories.make_organisation(members=[holder], name=f"Le Lien {next(_numbers)}")
    dossier = granted_dossier(call, organisation, holder, state, title)
    decision = decision_on(dossier, amount, instrument, released_at=released_at)
    if planned:
        plan_tranches(decision, released_at or RELEASED_AT)
        db.session.commit()
    admin = factories.make_user(roles=("admin",), totp=True, full_name="Aline Admin")
    instructor = factories.make_user(roles=("instructor",), totp=True, full_name="Inès Tructrice")
    return World(call, organisation, holder, dossier, decision, admin, instructor)


def co_funder(call, name="Département de la Seine-Saint-Denis", deciders=()) -> Funder:
    funder = Funder(call_id=call.id, name=name, envelope=Decimal("100000"))
    db.session.add(funder)
    db.session.flush()
    db.session.add_all(FunderDecider(funder_id=funder.id, user_id=person.id) for person in deciders)
    db.session.commit()
    return funder


def sign(decision, day=date(2026, 3, 20)) -> Agreement:
    agreement = Agreement(decision_id=decision.id, text="Convention", signed_on=day)
    db.session.add(agreement)
    db.session.commit()
    return agreement


def accept_report(dossier, at=datetime(2027, 1, 15, 10, 0, tzinfo=timezone.utc)) -> FinalReport:
    """The dossier's report (the draft the workflow opened when it began to await it, if any), accepted."""
    report = db.session.execute(db.select(FinalReport).where(FinalReport.dossier_id == dossier.id)).scalar()
    if report is None:
        report = FinalReport(dossier_id=dossier.id, content={})
        db.session.add(report)
    report.state, report.submitted_at, report.reviewed_at = ACCEPTED, at, at
    db.session.commit()
    return report


def give_bank_details(organisation, user, iban=IBAN, bic=BIC, at=RELEASED_AT) -> BankAccount:
    account = BankAccount(organisation_id=organisation.id, holder_name=organisation.name, iban=iban, bic=bic,
                          recorded_by_id=user.id, recorded_at=at)
    db.session.add(account)
    db.session.commit()
    return account


def plain(text: str) -> str:
    """The text with French money's narrow and non-breaking spaces, and runs of blanks, as single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def words(page: str) -> str:
    """What a reader reads of a page: its text without the markup, in plain spaces."""
    return plain(re.sub(r"<[^>]+>", " ", page))
