"""Who may reach a bilan's PDF: a published version's is public; a preview, or printing one again, is the admins'."""
from sqlalchemy import select

from aap.bilan.models import Bilan, BilanVersion
from aap.calls.models import Call
from aap.extensions import db


def published_version(user, call_id: int, number: int) -> BilanVersion | None:
    """The version as anyone may read it, with its bilan and call loaded; None for an unknown or hidden one."""
    found = db.session.execute(
        select(BilanVersion, Call).join(Bilan, Bilan.id == BilanVersion.bilan_id).join(Call, Call.id == Bilan.call_id)
        .where(Bilan.call_id == call_id, BilanVersion.number == number)).one_or_none()
    if found is None or not found.Call.can("view", user):
        return None
    return found.BilanVersion


def may_manage_pdf(user, call: Call) -> bool:
    """Printing a preview of the live figures, or a failed PDF again: the call's administrators."""
    return call.can("manage", user)
