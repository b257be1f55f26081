"""Reads of bulk messages: the list, mails per status, and one page of a message's recipients."""
from dataclasses import dataclass, field
from math import ceil

from sqlalchemy import and_, func
from sqlalchemy.orm import joinedload, lazyload

from aap.auth.models import User
from aap.bulk.models import BulkMessage
from aap.extensions import db
from aap.mail.models import Mail

STATUSES = ("held", "sent", "cancelled")
SORTS = {"date": BulkMessage.created_at, "subject": BulkMessage.subject}


def messages_page(status: str = "", sort: str = "date", descending: bool = True, page: int = 1):
    query = db.select(BulkMessage).options(joinedload(BulkMessage.author).lazyload(User.grants))
    if status in STATUSES:
        query = query.where(BulkMessage.status == status)
    column = SORTS.get(sort, BulkMessage.created_at)
    query = query.order_by(column.desc() if descending else column.asc(), BulkMessage.id.desc())
    return db.paginate(query, page=page, per_page=30, error_out=False)


def mail_counts(message_ids) -> dict[int, dict[str, int]]:
    """Mails per status for each message, in one grouped query."""
    counts: dict[int, dict[str, int]] = {message_id: {} for message_id in message_ids}
    if counts:
        rows = db.session.execute(db.select(Mail.bulk_message_id, Mail.status, func.count(Mail.id))
                                  .where(Mail.bulk_message_id.in_(list(counts)))
                                  .group_by(Mail.bulk_message_id, Mail.status))
        for message_id, status, count in rows:
            counts[message_id][status] = count
    return counts


@dataclass
class RecipientsPage:
    """One page of a message's recipients, each with their mail (None when they get no mail)."""

    items: list = field(default_factory=list)
    page: int = 1
    per_page: int = 50
    total: int = 0

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)


def recipients_page(message: BulkMessage, page: int = 1, per_page: int = 50) -> RecipientsPage:
    """Slice the recipients chosen at the hold (sorted by email then), and load that slice in one query."""
    ids = message.audience.get("user_ids", [])
    result = RecipientsPage(page=1, per_page=per_page, total=len(ids))
    result.page = min(max(page, 1), result.pages)
    chunk = ids[(result.page - 1) * per_page:result.page * per_page]
    rows = db.session.execute(
        db.select(User, Mail).options(lazyload(User.grants))
        .outerjoin(Mail, and_(Mail.user_id == User.id, Mail.bulk_message_id == message.id))
        .where(User.id.in_(chunk))).all()
    found = {user.id: (user, mail) for user, mail in rows}
    result.items = [found[user_id] for user_id in chunk if user_id in found]
    return result
