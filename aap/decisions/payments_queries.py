"""Read paths of the payments: a dossier's schedule, and the tranches due across calls, one statement per page."""
from dataclasses import dataclass, field
from datetime import date
from math import ceil

from sqlalchemy import func, literal, select

from aap.calls.models import Call
from aap.core.listing import RowsPage
from aap.decisions.bank_models import BankAccount
from aap.decisions.grant_models import PaymentTranche
from aap.decisions.models import GRANTED, Decision, Funder
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.models import Organisation

PER_PAGE = 50
PAID, CANCELLED, WAITING, OVERDUE, UPCOMING = "paid", "cancelled", "waiting", "overdue", "upcoming"
#: the list's filter on lateness, by the word the address carries
STATUSES = {"en-retard": OVERDUE, "a-venir": UPCOMING}
AUTHORITY = "collectivite"


@dataclass(frozen=True)
class TrancheState:
    key: str
    #: days since the due date passed, for an overdue tranche; days left for an upcoming one
    days: int = 0


def state_of(tranche, today: date) -> TrancheState:
    if tranche.paid_on is not None:
        return TrancheState(PAID)
    if tranche.cancelled:
        return TrancheState(CANCELLED)
    if tranche.due_on is None:
        return TrancheState(WAITING)
    if tranche.due_on < today:
        return TrancheState(OVERDUE, (today - tranche.due_on).days)
    return TrancheState(UPCOMING, (tranche.due_on - today).days)


def schedules(decisions: list[Decision]) -> dict[int, list[PaymentTranche]]:
    """Each decision's tranches in order, in one query."""
    found: dict[int, list[PaymentTranche]] = {decision.id: [] for decision in decisions}
    if found:
        for tranche in db.session.execute(select(PaymentTranche).where(PaymentTranche.decision_id.in_(list(found)))
                                          .order_by(PaymentTranche.decision_id, PaymentTranche.position)).scalars():
            found[tranche.decision_id].append(tranche)
    return found


@dataclass
class DueFilters:
    """What the list of payments due is filtered on, checked; `problems` says in French what was set aside."""
    call_id: int | None = None
    #: AUTHORITY, a co-funder's id as text, or "" for every funder
    funder: str = ""
    status: str = ""
    due_from: date | None = None
    due_to: date | None = None
    problems: list[str] = field(default_factory=list)


def _latest_account(column):
    """The organisation's latest bank details, one column of them, as a correlated subquery."""
    return (select(column).where(BankAccount.organisation_id == Organisation.id)
            .order_by(BankAccount.recorded_at.desc(), BankAccount.id.desc()).limit(1)
            .correlate(Organisation).scalar_subquery())


def _columns() -> dict:
    return {"id": PaymentTranche.id, "label": PaymentTranche.label, "amount": PaymentTranche.amount,
            "due_on": PaymentTranche.due_on, "trigger": PaymentTranche.trigger, "position": PaymentTranche.position,
            "dossier_id": Dossier.id, "reference": Dossier.reference, "title": Dossier.title,
            "organisation": Organisation.name, "siret": Organisation.siret, "call": Call.title, "year": Call.year,
            "call_id": Call.id, "funder": func.coalesce(Funder.name, literal("")), "decision_id": Decision.id}


def _due(selected, filters: DueFilters, today: date):
    query = (select(*selected).select_from(PaymentTranche).join(Decision, Decision.id == PaymentTranche.decision_id)
             .join(Dossier, Dossier.id == Decision.dossier_id)
             .join(Organisation, Organisation.id == Dossier.organisation_id)
             .join(Call, Call.id == Dossier.call_id).outerjoin(Funder, Funder.id == Decision.funder_id)
             .where(PaymentTranche.due_on.is_not(None), PaymentTranche.paid_on.is_(None),
                    PaymentTranche.cancelled.is_(False), Decision.outcome == GRANTED,
                    Decision.released_at.is_not(None), Decision.superseded.is_(False)))
    return query.where(*_conditions(filters, today))


def _conditions(filters: DueFilters, today: date) -> list:
    conditions = []
    if filters.call_id:
        conditions.append(Dossier.call_id == filters.call_id)
    if filters.funder == AUTHORITY:
        conditions.append(Decision.funder_id.is_(None))
    elif filters.funder:
        conditions.append(Decision.funder_id == int(filters.funder))
    if filters.status == OVERDUE:
        conditions.append(PaymentTranche.due_on < today)
    elif filters.status == UPCOMING:
        conditions.append(PaymentTranche.due_on >= today)
    if filters.due_from:
        conditions.append(PaymentTranche.due_on >= filters.due_from)
    if filters.due_to:
        conditions.append(PaymentTranche.due_on <= filters.due_to)
    return conditions


def sort_keys() -> dict:
    """The sorts offered, by the name the address carries; the longest late first is the due date ascending."""
    return {"echeance": PaymentTranche.due_on, "montant": PaymentTranche.amount, "appel": Call.title,
            "dossier": Dossier.reference, "structure": Organisation.name,
            "financeur": func.coalesce(Funder.name, literal(""))}


def _ordered(query, sort: str, descending: bool):
    key = sort_keys()[sort]
    return query.order_by(key.desc() if descending else key.asc(), PaymentTranche.due_on.asc(), PaymentTranche.id)


def due_page(filters: DueFilters, sort: str, descending: bool, page: int, today: date) -> RowsPage:
    """A page of the tranches due: one count, one statement for the rows."""
    total = db.session.execute(_due([func.count(PaymentTranche.id)], filters, today)).scalar_one()
    pages = max(1, ceil(total / PER_PAGE))
    asked, page = page, min(page, pages)
    columns = _columns()
    query = _ordered(_due([column.label(name) for name, column in columns.items()], filters, today), sort, descending)
    rows = db.session.execute(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return RowsPage(items=rows, total=total, page=page, pages=pages, asked=asked)


def due_export_rows(filters: DueFilters, today: date):
    """Every tranche due with the organisation's current bank details, in one statement, by due date."""
    columns = {**_columns(), "account_holder": _latest_account(BankAccount.holder_name),
               "iban": _latest_account(BankAccount.iban), "bic": _latest_account(BankAccount.bic)}
    query = _ordered(_due([column.label(name) for name, column in columns.items()], filters, today), "echeance", False)
    return db.session.execute(query).all()


def call_choices() -> list[tuple[int, str]]:
    return [(call_id, f"{title} ({year})") for call_id, title, year in db.session.execute(
        select(Call.id, Call.title, Call.year).order_by(Call.year.desc(), Call.title)).all()]


def funder_choices() -> list[tuple[str, str]]:
    names = db.session.execute(select(Funder.id, Funder.name, Call.year).join(Call, Call.id == Funder.call_id)
                               .order_by(Funder.name, Call.year.desc())).all()
    return [(str(funder_id), f"{name} ({year})") for funder_id, name, year in names]
