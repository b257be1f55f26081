"""Lists of organisations: one query whatever the number of rows."""
from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from aap.extensions import db
from aap.organisations.models import Membership, Organisation

SORTS = {"name": Organisation.name, "commune": Organisation.commune_insee,
         "created": Organisation.created_at, "legal_form": Organisation.legal_form}


def organisations_for(user, search: str = "", legal_form: str = "", commune: str = "",
                      sort: str = "name", descending: bool = False, page: int = 1):
    query = db.select(Organisation).options(selectinload(Organisation.memberships))
    if not user.is_staff:
        query = query.where(Organisation.id.in_(
            db.select(Membership.organisation_id).where(Membership.user_id == user.id)))
    if search:
        pattern = f"%{search.strip()}%"
        query = query.where(or_(Organisation.name.ilike(pattern), Organisation.siret.ilike(pattern),
                                Organisation.rna.ilike(pattern)))
    if legal_form:
        query = query.where(Organisation.legal_form == legal_form)
    if commune:
        query = query.where(Organisation.commune_insee == commune)
    column = SORTS.get(sort, Organisation.name)
    query = query.order_by(column.desc() if descending else column.asc(), Organisation.id)
    return db.paginate(query, page=page, per_page=50, error_out=False)
