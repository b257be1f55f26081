"""Lists of organisations: one query whatever the number of rows."""
from sqlalchemy import case, or_
from sqlalchemy.orm import selectinload

from aap.auth.models import User
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
    query = filtered_organisations(user, search, legal_form, commune, sort, descending).options(
        selectinload(Organisation.memberships))
    return db.paginate(query, page=page, per_page=50, error_out=False)


def filtered_organisations(user, search: str = "", legal_form: str = "", commune: str = "",
                           sort: str = "name", descending: bool = False):
    query = db.select(Organisation)
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


#: the columns of the export, read as plain rows (no ORM state to keep while the file is sent)
EXPORTED = (Organisation.id, Organisation.name, Organisation.legal_form, Organisation.siret, Organisation.rna,
            Organisation.address, Organisation.commune_insee, Organisation.in_qpv, Organisation.creation_date,
            Organisation.paid_staff_fte, Organisation.volunteers)


def exported_organisations(user, **filters):
    """({organisation id: member e-mails}, the organisations' rows): two queries whatever the number of rows."""
    listed = filtered_organisations(user, **filters)
    members: dict[int, list[str]] = {}
    chosen = listed.with_only_columns(Organisation.id).order_by(None)
    for organisation_id, email in db.session.execute(
            db.select(Membership.organisation_id, User.email).join(User, User.id == Membership.user_id)
            .where(Membership.organisation_id.in_(chosen)).order_by(Membership.organisation_id, Membership.id)):
        members.setdefault(organisation_id, []).append(email)
    return members, db.session.execute(listed.with_only_columns(*EXPORTED)).all()
