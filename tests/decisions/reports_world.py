"""A granted dossier whose final report is awaited: a released decision of the authority as a row, its tranches, the
advance paid through the workflow (plaine-commune v6: granted → advance_paid)."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from aap.core.formatting import PARIS
from aap.core.models import utcnow
from aap.decisions import lifecycle
from aap.decisions.events import ADVANCE_PAID
from aap.decisions.grant_models import AFTER_REPORT, AT_NOTIFICATION, PaymentTranche
from aap.decisions.models import GRANT, GRANTED, Decision
from aap.extensions import db
from tests import factories

#: charges 20 000 € = produits 20 000 €, 12 000 € asked of the call
BUDGET = {"60": "3000", "61": "5000", "64": "12000", "74-call": "12000", "74-region": "8000"}


def today() -> date:
    return utcnow().astimezone(PARIS).date()


@dataclass
class ReportWorld:
    call: object
    holder: object
    admin: object
    instructor: object
    organisation: object
    dossier: object
    decision: Decision
    advance: PaymentTranche
    balance: PaymentTranche


def granted_dossier(call=None, organisation=None, holder=None, *, end_date: date | None = None,
                    amount: Decimal = Decimal("12000"), reference: str | None = None, pay_advance: bool = True,
                    title: str = "Épicerie solidaire") -> ReportWorld:
    """A dossier granted `amount` (70 % advance paid, 30 % after the report), its project ended `end_date`."""
    call = call or factories.make_open_call(title="Appel ESS des comptes-rendus")
    holder = holder or factories.make_user()
    organisation = organisation or factories.make_organisation(members=[holder])
    admin = factories.make_user(roles=("admin",), totp=True)
    instructor = factories.make_user(roles=("instructor",), totp=True)
    dossier = factories.make_dossier(call, organisation, holder, title=title)
    end_date = end_date or today() + timedelta(days=20)
    dossier.answers = {"end_date": end_date.isoformat(), "budget": dict(BUDGET), "jobs_created": "2"}
    dossier.state, dossier.reference = "granted", reference or f"AAP-2020-{dossier.id:04d}"  # as if decided (a past edition)
    now = utcnow()
    decision = Decision(dossier_id=dossier.id, outcome=GRANTED, instrument=GRANT, amount=amount,
                        deliberation_reference="DEL-2026-12", deliberation_date=today(), decided_by_id=admin.id,
                        decided_at=now, released_at=now, released_by_id=admin.id)
    db.session.add(decision)
    db.session.flush()
    advance = PaymentTranche(decision_id=decision.id, position=1, label="Acompte", share_percent=Decimal(70),
                             amount=amount * Decimal("0.7"), trigger=AT_NOTIFICATION, due_on=today())
    balance = PaymentTranche(decision_id=decision.id, position=2, label="Solde", share_percent=Decimal(30),
                             amount=amount * Decimal("0.3"), trigger=AFTER_REPORT)
    db.session.add_all([advance, balance])
    db.session.commit()
    if pay_advance:
        advance.paid_on = today()
        lifecycle.follow(decision, ADVANCE_PAID, admin, utcnow(), {"amount": str(advance.amount)})
        db.session.commit()
    return ReportWorld(call, holder, admin, instructor, organisation, dossier, decision, advance, balance)


def complete_report(**overrides) -> dict:
    """What the holder types for a report that may be submitted (POST fields)."""
    fields = {"actions": "Ouverture de l'épicerie, 120 familles accompagnées.", "differences": "",
              "b_60": "3000", "b_61": "5200", "b_64": "12000", "b_74_call": "12000", "b_74_region": "8000",
              "jobs_fte": "1,5", "beneficiaries": "120"}
    fields.update(overrides)
    return fields


def matrix_ids(call, organisation, holder) -> dict:
    """For the route matrix: a dossier of the matrix's organisation awaiting its report, with one file joined."""
    from io import BytesIO

    from aap.core.storage import storage
    from aap.decisions.reports_operations import join_file, open_report

    world = granted_dossier(call, organisation, holder, title="Projet subventionné")
    report = open_report(world.dossier)
    stored = storage().save(BytesIO(b"%PDF-1.4\n%%EOF\n"), "facture.pdf")
    attachment = join_file(report, stored, holder)
    db.session.commit()
    return {"report_dossier": world.dossier.id, "report_file": attachment.id}
