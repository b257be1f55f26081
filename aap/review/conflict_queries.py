"""Read paths of conflicts of interest: the call's submitted dossiers to declare on, the call's declarations."""
from sqlalchemy import or_
from sqlalchemy.orm import joinedload, lazyload

from aap.core.text import contains_pattern
from aap.dossiers.models import Dossier
from aap.dossiers.reviewers import Conflict
from aap.extensions import db
from aap.organisations.models import Organisation

DOSSIER_SORTS = {"reference": Dossier.reference, "title": Dossier.title, "organisation": Organisation.name,
                 "commune": Organisation.commune_insee}


def _search(query, search: str):
    if not search:
        return query
    pattern = contains_pattern(search)
    return query.where(or_(Dossier.reference.ilike(pattern, escape="\\"), Dossier.title.ilike(pattern, escape="\\"),
                           Organisation.name.ilike(pattern, escape="\\")))


def submitted_dossiers(call, search: str = "", sort: str = "reference", descending: bool = False, page: int = 1):
    """The call's submitted dossiers (drafts are the organisations' own), 50 a page."""
    query = _search(db.select(Dossier).join(Dossier.organisation).where(
        Dossier.call_id == call.id, Dossier.reference.is_not(None)).options(
        joinedload(Dossier.organisation).lazyload("*"), lazyload(Dossier.attachments)), search)
    column = DOSSIER_SORTS.get(sort, Dossier.reference)
    query = query.order_by(column.desc() if descending else column.asc(), Dossier.id)
    return db.paginate(query, page=page, per_page=50, error_out=False)


def conflicts_of(user, call) -> dict[int, Conflict]:
    """The person's declared conflicts on the call, by dossier id."""
    rows = db.session.execute(db.select(Conflict).join(Conflict.dossier).where(
        Conflict.user_id == user.id, Dossier.call_id == call.id)).scalars()
    return {conflict.dossier_id: conflict for conflict in rows}


def call_conflicts(call, search: str = "") -> list[Conflict]:
    """Every conflict declared on the call's dossiers, with the dossier, the person and who recorded it."""
    query = (db.select(Conflict).join(Conflict.dossier).join(Dossier.organisation).where(Dossier.call_id == call.id)
             .options(joinedload(Conflict.dossier).joinedload(Dossier.organisation), joinedload(Conflict.user),
                      joinedload(Conflict.declared_by))
             .order_by(Dossier.reference, Conflict.id))
    return list(db.session.execute(_search(query, search)).scalars())


def submitted_dossier(call, reference: str) -> Dossier | None:
    query = db.select(Dossier).where(Dossier.call_id == call.id, Dossier.reference == reference.strip().upper())
    return db.session.execute(query).scalar_one_or_none()
