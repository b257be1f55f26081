"""Dossier lists: one query for the page whatever its length, states named from each pinned workflow."""
from sqlalchemy import or_
from sqlalchemy.orm import contains_eager, joinedload, lazyload, load_only

from aap.auth.models import User
from aap.calls.models import Call
from aap.core.listing import counted_page
from aap.core.roles import REVIEWER
from aap.core.text import contains_pattern
from aap.dossiers.access import visible_condition
from aap.dossiers.messages import Message
from aap.dossiers.models import Dossier
from aap.dossiers.receipts import Receipt
from aap.extensions import db
from aap.organisations.models import Membership, Organisation
from aap.workflow.models import AuditRecord, WorkflowVersion

SORTS = {"id": Dossier.id, "title": Dossier.title, "state": Dossier.state, "updated": Dossier.state_entered_at}


def visible_dossiers(user):
    return db.select(Dossier).where(visible_condition(user, Dossier))


def listed() -> tuple:
    """What the list shows of a dossier, its call and its workflow version (never the answers, YAML or JSON)."""
    return (load_only(Dossier.id, Dossier.title, Dossier.state, Dossier.state_entered_at, Dossier.reference,
                      Dossier.organisation_id, Dossier.call_id, Dossier.workflow_version_id),
            lazyload(Dossier.attachments),
            contains_eager(Dossier.organisation).load_only(Organisation.id, Organisation.name)
            .lazyload(Organisation.memberships),
            joinedload(Dossier.call).load_only(Call.id, Call.title, Call.year).lazyload(Call.strands),
            joinedload(Dossier.workflow_version).load_only(WorkflowVersion.id, WorkflowVersion.name,
                                                           WorkflowVersion.version, WorkflowVersion.digest))


def dossiers_page(user, search="", call_id=None, state="", sort="updated", descending=True, page=1):
    """One page of the list; every sort runs down an index of (column, id)."""
    query = visible_dossiers(user).join(Dossier.organisation).options(*listed())
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
    return counted_page(query, Dossier.id, page, per_page=50)


def thread_of(dossier) -> list[Message]:
    """The messages with their authors in the same query, without the authors' grants."""
    return list(db.session.execute(db.select(Message).where(Message.dossier_id == dossier.id)
                                   .options(joinedload(Message.author).lazyload(User.grants))
                                   .order_by(Message.created_at, Message.id)).scalars())


def receipts_of(dossier) -> list[Receipt]:
    return db.session.execute(db.select(Receipt).where(Receipt.dossier_id == dossier.id)
                              .order_by(Receipt.sequence.desc())).scalars().all()


def audit_record(dossier, sequence: int) -> AuditRecord | None:
    return db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id,
                                                           AuditRecord.sequence == sequence)).scalar_one_or_none()


def dossier_counts_by_call(sender=None, **ignored) -> dict[int, int]:
    """Receiver of dossier_counts_wanted: the number of dossiers of every call, in one query."""
    return dict(db.session.execute(db.select(Dossier.call_id, db.func.count()).group_by(Dossier.call_id)).all())


def private_draft_count(user) -> int:
    """Drafts not yet submitted in the calls this person works on, shown to staff as a number only."""
    grants = [grant for grant in user.grants if grant.role != REVIEWER]  # a reviewer's list is their assignments
    if not grants:
        return 0
    query = db.select(db.func.count(Dossier.id)).where(Dossier.reference.is_(None), Dossier.organisation_id.not_in(
        db.select(Membership.organisation_id).where(Membership.user_id == user.id)))
    if not any(grant.call_id is None for grant in grants):
        query = query.where(Dossier.call_id.in_(sorted({grant.call_id for grant in grants})))
    return db.session.execute(query).scalar_one()
