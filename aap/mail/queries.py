"""Reads of the outbox for the admin mailbox: one page of mails, the failures, their count."""
from sqlalchemy.orm import load_only

from aap.core.listing import capped_page, counted_page
from aap.core.text import contains_pattern
from aap.extensions import db
from aap.mail.models import MAIL_STATES, Mail

MAIL_SORTS = {"date": Mail.created_at, "recipient": Mail.to_address, "state": Mail.status}


def filtered_mails(query, args):
    """The mailbox's filters (state and search), shared by the list and the resend-all action."""
    status = args.get("statut", "")
    if status in MAIL_STATES:
        query = query.where(Mail.status == status)
    search = args.get("q", "").strip()
    if search:
        pattern = contains_pattern(search)
        query = query.where(Mail.to_address.ilike(pattern, escape="\\") | Mail.subject.ilike(pattern, escape="\\")
                            | Mail.template.ilike(pattern, escape="\\"))
    return query


def listed():
    """What the mailbox shows of a mail: never its bodies, context or attachments."""
    return load_only(Mail.id, Mail.created_at, Mail.to_address, Mail.subject, Mail.template, Mail.status,
                     Mail.transport, Mail.attempts, Mail.last_error, Mail.next_attempt_at)


def mailbox_page(args, sort: str, descending: bool, page: int):
    """Each sort runs down an index of (column, id); a text search counts its matches up to a bound."""
    column = MAIL_SORTS[sort]
    query = filtered_mails(db.select(Mail).options(listed()), args).order_by(
        column.desc() if descending else column.asc(), Mail.id.desc() if descending else Mail.id.asc())
    if args.get("q", "").strip():
        return capped_page(query, Mail.id, page, per_page=50)
    return counted_page(query, Mail.id, page, per_page=50)


def failed_count() -> int:
    return db.session.execute(db.select(db.func.count(Mail.id)).where(Mail.status == "failed")).scalar_one()


def failed_mails(search: str) -> list[Mail]:
    """The failures that match the mailbox's search, for resending them all."""
    query = filtered_mails(db.select(Mail), {"q": search}).where(Mail.status == "failed")
    return db.session.execute(query.order_by(Mail.id)).scalars().all()
