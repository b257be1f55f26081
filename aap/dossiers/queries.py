"""Dossier lists: one query for the page whatever its length, states named from each pinned workflow."""
from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from aap.auth.models import RoleGrant
from aap.core.text import contains_pattern
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.models import Membership, Organisation

SORTS = {"id": Dossier.id, "title": Dossier.title, "state": Dossier.state, "updated": Dossier.state_entered_at}


def visible_dossiers(user):
    query = db.select(Dossier)
    if user.is_staff:
        return query
    member_of = db.select(Membership.organisation_id).where(Membership.user_id == user.id)
    call_roles = db.select(RoleGrant.call_id).where(RoleGrant.user_id == user.id,
                                                   RoleGrant.role.in_(("reviewer", "committee", "funder")))
    return query.where(or_(Dossier.organisation_id.in_(member_of), Dossier.call_id.in_(call_roles)))


def dossiers_page(user, search="", call_id=None, state="", sort="updated", descending=True, page=1):
    query = visible_dossiers(user).join(Dossier.organisation).options(
        joinedload(Dossier.organisation), joinedload(Dossier.call), joinedload(Dossier.workflow_version))
    if search:
        pattern = contains_pattern(search)
        query = query.where(or_(Dossier.title.ilike(pattern, escape="\\"),
                                Organisation.name.ilike(pattern, escape="\\")))
    if call_id:
        query = query.where(Dossier.call_id == call_id)
    if state:
        query = query.where(Dossier.state == state)
    column = SORTS.get(sort, Dossier.state_entered_at)
    query = query.order_by(column.desc() if descending else column.asc(), Dossier.id.desc())
    return db.paginate(query, page=page, per_page=50, error_out=False)
