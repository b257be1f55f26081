"""The instructor's list of a call's dossiers: one statement for the rows, aggregates by GROUP BY, never per row."""
from dataclasses import dataclass, field
from decimal import Decimal
from math import ceil

from sqlalchemy import case, func, literal, or_, select

from aap.auth.models import User
from aap.calls.models import Call, Strand
from aap.calls.queries import NEWEST_FIRST
from aap.core.listing import RowsPage
from aap.core.text import contains_pattern, sort_key
from aap.dossiers.access import visible_condition
from aap.dossiers.models import Dossier
from aap.dossiers.reviewers import DECLINED, Assignment, Conflict
from aap.extensions import db
from aap.organisations.communes import all_communes
from aap.organisations.models import Membership, Organisation
from aap.review.models import PoolMember, ReviewStanding
from aap.workflow.engine import workflow_of_version
from aap.workflow.models import WorkflowVersion

PER_PAGE = 50


def _per_dossier(aggregate, model, *conditions):
    """An aggregate of this dossier's rows, as a correlated subquery: only the rows a page keeps are looked up."""
    return select(aggregate).where(model.dossier_id == Dossier.id, *conditions).correlate(Dossier).scalar_subquery()


def _columns():
    """The list's columns as SQL expressions, named; the sorts and the filters use the same ones.

    Review figures come from the kept standings (aap.review.standings), joined by `_joined`.
    """
    return {
        "id": Dossier.id, "reference": Dossier.reference, "title": Dossier.title, "organisation": Organisation.name,
        "organisation_id": Dossier.organisation_id, "commune_insee": Organisation.commune_insee,
        "strand": Strand.name, "amount": Dossier.requested_amount,
        "state": Dossier.state, "workflow_version_id": Dossier.workflow_version_id,
        "submitted": func.coalesce(ReviewStanding.reviews, 0),
        "assigned": _per_dossier(func.count(Assignment.id), Assignment, Assignment.state != DECLINED),
        "score": ReviewStanding.score,
        "divergent": case((ReviewStanding.divergent, 1), else_=0),
        "conflicts": _per_dossier(func.count(Conflict.id), Conflict),
    }


def _joined(query):
    return query.join(Organisation, Organisation.id == Dossier.organisation_id).outerjoin(
        ReviewStanding, ReviewStanding.dossier_id == Dossier.id)


def _position(expression, names: list[str]):
    """Sorts codes in the order of `names` (a commune by its name, a state along the cycle); others after."""
    if not names:
        return literal(0)
    return case({name: index for index, name in enumerate(names)}, value=expression, else_=len(names))


@dataclass
class ListFilters:
    """What the list is filtered on, already checked; `problems` says, in French, what was set aside."""

    state: str = ""
    strand_id: int | None = None
    commune: str = ""
    score_min: Decimal | None = None
    score_max: Decimal | None = None
    reviewer_id: int | None = None
    conflicts: str = ""
    divergent: bool = False
    search: str = ""
    problems: list[str] = field(default_factory=list)


def _filtered(user, call: Call, filters: ListFilters, columns, selected):
    query = _joined(select(*selected).select_from(Dossier))
    query = query.where(visible_condition(user, Dossier), Dossier.call_id == call.id, Dossier.reference.is_not(None))
    return query.where(*_conditions(filters, columns))


def _conditions(filters: ListFilters, columns) -> list:
    conditions = []
    if filters.state:
        conditions.append(Dossier.state == filters.state)
    if filters.strand_id:
        conditions.append(Dossier.strand_id == filters.strand_id)
    if filters.commune:
        conditions.append(Organisation.commune_insee == filters.commune)
    if filters.score_min is not None:  # against the mean as shown, rounded to two decimals
        conditions.append(columns["score"] >= filters.score_min - Decimal("0.005"))
    if filters.score_max is not None:
        conditions.append(columns["score"] < filters.score_max + Decimal("0.005"))
    if filters.reviewer_id:
        conditions.append(Dossier.id.in_(select(Assignment.dossier_id).where(
            Assignment.user_id == filters.reviewer_id, Assignment.state != DECLINED)))
    if filters.conflicts:
        declared = Dossier.id.in_(select(Conflict.dossier_id))
        conditions.append(declared if filters.conflicts == "avec" else ~declared)
    if filters.divergent:
        conditions.append(columns["divergent"] == 1)
    if filters.search:
        pattern = contains_pattern(filters.search)
        conditions.append(or_(*(column.ilike(pattern, escape="\\") for column in
                                (Dossier.reference, Dossier.title, Organisation.name))))
    return conditions


def sort_expressions(call: Call, versions: dict) -> dict:
    """The sort keys offered, by the name the address carries."""
    columns = _columns()
    communes = sorted(all_communes().values(), key=lambda commune: sort_key(commune.name))
    pinned = versions.get(call.workflow_version_id)
    cycle = [state.name for state in workflow_of_version(pinned).ordered_states()] if pinned else []
    return {"reference": columns["reference"], "title": columns["title"],
            "organisation": columns["organisation"], "strand": columns["strand"],
            "commune": _position(Organisation.commune_insee, [commune.insee_code for commune in communes]),
            "amount": columns["amount"], "state": _position(Dossier.state, cycle), "reviews": columns["submitted"],
            "score": columns["score"], "divergent": columns["divergent"], "conflicts": columns["conflicts"]}


def dossier_rows(user, call: Call, filters: ListFilters, versions: dict, sort: str, descending: bool,
                 page: int) -> RowsPage:
    """A page of the call's submitted dossiers the person may see: one count, then one statement for the rows."""
    columns = _columns()
    counted = _filtered(user, call, filters, columns, [func.count(Dossier.id)])
    total = db.session.execute(counted).scalar_one()
    pages = max(1, ceil(total / PER_PAGE))
    asked, page = page, min(page, pages)
    key = sort_expressions(call, versions)[sort].label("sort_key")
    chosen = _filtered(user, call, filters, columns, [Dossier.id.label("id"), key]).outerjoin(
        Strand, Strand.id == Dossier.strand_id)
    chosen = _ordered(chosen, key, Dossier.id, descending).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    chosen = chosen.subquery("page_ids")  # the page's ids first, so that only its rows are aggregated
    query = _joined(select(*(expression.label(name) for name, expression in columns.items())).select_from(Dossier)
                    .join(chosen, chosen.c.id == Dossier.id)).outerjoin(Strand, Strand.id == Dossier.strand_id)
    rows = db.session.execute(_ordered(query, chosen.c.sort_key, Dossier.id, descending)).all()
    return RowsPage(items=rows, total=total, page=page, pages=pages, asked=asked)


def _ordered(query, key, tie, descending: bool):
    """Rows without a value last both ways; ties in creation order, reversed with the sort."""
    return query.order_by((key.desc() if descending else key.asc()).nulls_last(),
                          tie.desc() if descending else tie.asc())


def workflow_versions_of(call: Call) -> dict[int, WorkflowVersion]:
    """The call's pinned version and every version its dossiers follow, in one query."""
    query = select(WorkflowVersion).where(or_(
        WorkflowVersion.id == call.workflow_version_id,
        WorkflowVersion.id.in_(select(Dossier.workflow_version_id).where(Dossier.call_id == call.id).distinct())))
    return {version.id: version for version in db.session.execute(query).scalars()}


def reviewer_choices(call: Call) -> list[tuple[int, str]]:
    """The call's pool members and anyone assigned one of its dossiers, by name."""
    assigned = select(Assignment.user_id).join(Dossier, Dossier.id == Assignment.dossier_id).where(
        Dossier.call_id == call.id)
    pooled = select(PoolMember.user_id).where(PoolMember.call_id == call.id)
    users = db.session.execute(select(User.id, User.full_name, User.email).where(
        or_(User.id.in_(assigned), User.id.in_(pooled)))).all()
    return sorted(((user.id, user.full_name or user.email) for user in users), key=lambda item: sort_key(item[1]))


def private_draft_count_in(user, call: Call) -> int:
    """Drafts of this call not yet submitted (never shown to staff, only counted), the person's own aside."""
    return db.session.execute(select(func.count(Dossier.id)).where(
        Dossier.call_id == call.id, Dossier.reference.is_(None), Dossier.organisation_id.not_in(
            select(Membership.organisation_id).where(Membership.user_id == user.id)))).scalar_one()


def instructed_calls(user) -> list[tuple[Call, int, int, int]]:
    """Each call with its submitted dossiers, those still short of reviews and those reviewed, in two queries."""
    calls = db.session.execute(select(Call).order_by(*NEWEST_FIRST)).scalars().all()
    reviewed = case((func.coalesce(ReviewStanding.reviews, 0) >= Call.reviews_per_dossier, 1), else_=0)
    counts = db.session.execute(
        select(Dossier.call_id, func.count(Dossier.id), func.coalesce(func.sum(reviewed), 0))
        .join(Call, Call.id == Dossier.call_id).outerjoin(ReviewStanding, ReviewStanding.dossier_id == Dossier.id)
        .where(visible_condition(user, Dossier), Dossier.reference.is_not(None)).group_by(Dossier.call_id)).all()
    by_call = {call_id: (submitted, int(done)) for call_id, submitted, done in counts}
    return [(call, *_three(by_call.get(call.id, (0, 0)))) for call in calls]


def _three(counts: tuple[int, int]) -> tuple[int, int, int]:
    submitted, done = counts
    return submitted, submitted - done, done
