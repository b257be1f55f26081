"""Lists of organisations: one query whatever the number of rows."""
from sqlalchemy import case, or_
from sqlalchemy.orm import selectinload

from aap.core.text import contains_pattern, sort_key
from aap.extensions import db
from aap.organisations.communes import all_communes
from aap.organisations.identifiers import compact
from aap.organisations.models import Membership, Organisation

#: communes sort by their name, not their INSEE code
COMMUNE_NAME = case({c.insee_code: sort_key(c.name) for c in all_communes().values()},
                    value=Organisation.commune_insee, else_=Organisation.commune_insee)
SORTS = {"name": Organisation.name, "commune": COMMUNE_NAME,
         "created": Organisation.created_at, "legal_form": Organisation.legal_form}


def organisations_for(user, search: str = "", legal_form: str = "", commune: str = "",
                      sort: str = "name", descending: bool = False, page: int = 1):
    query = filtered_organisations(user, search, legal_form, commune, sort, descending)
    return db.paginate(query, page=page, per_page=50, error_out=False)


def filtered_organisations(user, search: str = "", legal_form: str = "", commune: str = "",
                           sort: str = "name", descending: bool = False):
    query = db.select(Organisation).options(selectinload(Organisation.memberships))
    if not user.is_staff:
        query = query.where(Organisation.id.in_(
            db.select(Membership.organisation_id).where(Membership.user_id == user.id)))
    if search:
        pattern = contains_pattern(search)
        digits = contains_pattern(compact(search))
        query = query.where(or_(Organisation.name.ilike(pattern, escape="\\"),
                                Organisation.siret.ilike(digits, escape="\\"),
                                Organisation.rna.ilike(digits, escape="\\")))
    if legal_form:
        query = query.where(Organisation.legal_form == legal_form)
    if commune:
        query = query.where(Organisation.commune_insee == commune)
    column = SORTS.get(sort, Organisation.name)
    return query.order_by(column.desc() if descending else column.asc(), Organisation.id)


def organisations_of(user) -> list[Organisation]:
    """The organisations this person belongs to, by name."""
    return db.session.execute(db.select(Organisation).join(Membership).where(Membership.user_id == user.id)
                              .order_by(Organisation.name)).scalars().all()
