"""Read paths of the administration pages: one query per list, whatever its length."""
from sqlalchemy import or_

from aap.auth.models import RoleGrant, User
from aap.core.text import contains_pattern
from aap.extensions import db

USER_SORTS = {
    "email": User.email,
    "name": User.full_name,
    "created": User.created_at,
    "last_login": User.last_login_at,
}


def users_page(search: str = "", role: str = "", sort: str = "email", descending: bool = False,
               page: int = 1, per_page: int = 50):
    query = db.select(User)
    if search:
        pattern = contains_pattern(search)
        query = query.where(or_(User.email.ilike(pattern, escape="\\"), User.full_name.ilike(pattern, escape="\\")))
    if role:
        query = query.where(User.id.in_(db.select(RoleGrant.user_id).where(RoleGrant.role == role)))
    column = USER_SORTS.get(sort, User.email)
    query = query.order_by(column.desc() if descending else column.asc(), User.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
