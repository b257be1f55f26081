"""Read paths of closing: a dossier's grants with what was paid, cancelled, unspent and to pay back; the titres de
recettes to issue, one query a page."""
from dataclasses import dataclass
from decimal import Decimal
from math import ceil

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from aap.core.listing import RowsPage
from aap.decisions.closing_models import Recovery
from aap.decisions.grant_models import PaymentTranche
from aap.decisions.lifecycle import granted_decisions
from aap.decisions.models import Decision
from aap.dossiers.models import Dossier
from aap.extensions import db

PER_PAGE = 50


@dataclass(frozen=True)
class GrantLine:
    decision: Decision
    tranches: list[PaymentTranche]
    recovery: Recovery | None

    @property
    def paid(self) -> Decimal:
        return sum((t.amount for t in self.tranches if t.paid_on is not None), Decimal(0))

    @property
    def to_pay(self) -> Decimal:
        return sum((t.amount for t in self.tranches if not t.settled), Decimal(0))


def grant_lines(dossier_id: int) -> list[GrantLine]:
    """Each released granted decision of the dossier with its funder, its tranches and its titre de recettes, in a
    number of queries that does not grow with the co-funders."""
    decisions = list(db.session.execute(
        select(Decision).where(Decision.id.in_([decision.id for decision in granted_decisions(dossier_id)]))
        .options(selectinload(Decision.funder)).order_by(Decision.id)).scalars())
    ids = [decision.id for decision in decisions]
    tranches: dict[int, list[PaymentTranche]] = {decision_id: [] for decision_id in ids}
    recoveries: dict[int, Recovery] = {}
    if ids:
        for tranche in db.session.execute(select(PaymentTranche).where(PaymentTranche.decision_id.in_(ids))
                                          .order_by(PaymentTranche.decision_id, PaymentTranche.position)).scalars():
            tranches[tranche.decision_id].append(tranche)
        recoveries = {r.decision_id: r for r in db.session.execute(
            select(Recovery).where(Recovery.decision_id.in_(ids))).scalars()}
    return [GrantLine(decision, tranches[decision.id], recoveries.get(decision.id)) for decision in decisions]


def recoveries_page(asked: int, issued: bool) -> RowsPage:
    """The titres de recettes still to issue (or those issued), oldest first, with their dossier and funder."""
    condition = Recovery.issued_on.is_not(None) if issued else Recovery.issued_on.is_(None)
    total = db.session.execute(select(func.count(Recovery.id)).where(condition)).scalar_one()
    pages = max(1, ceil(total / PER_PAGE))
    page = min(asked, pages)
    decision = joinedload(Recovery.decision)
    rows = db.session.execute(
        select(Recovery).where(condition)
        .options(decision.joinedload(Decision.dossier).joinedload(Dossier.organisation),
                 decision.joinedload(Decision.dossier).joinedload(Dossier.call), decision.joinedload(Decision.funder))
        .order_by(Recovery.recorded_at, Recovery.id).limit(PER_PAGE).offset((page - 1) * PER_PAGE)).scalars().all()
    return RowsPage(items=list(rows), total=total, page=page, pages=pages, asked=asked)
