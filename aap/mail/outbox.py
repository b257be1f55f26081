"""Put a mail in the outbox, in the current transaction; its delivery job leaves once that commits."""
import uuid

from aap.core.queue import enqueue_after_commit
from aap.extensions import db
from aap.mail.context import encode
from aap.mail.models import Mail
from aap.mail.tasks import deliver_mail


def queue_mail(to_address: str, template: str, *, user=None, locale: str | None = None, key: str | None = None,
               held: bool = False, bulk_message_id: int | None = None, attachments: list[dict] | None = None,
               **context) -> Mail:
    """Write the mail in the current transaction; its delivery job is enqueued once that commits.

    A `key` makes the call idempotent: the mail already written under that key is returned. `attachments`
    name files made at delivery (aap.mail.attachments.attachment).
    """
    if key is not None:
        existing = db.session.execute(db.select(Mail).where(Mail.idempotency_key == key)).scalar_one_or_none()
        if existing is not None:
            return existing
    mail = Mail(idempotency_key=key or f"mail:{uuid.uuid4().hex}", to_address=to_address, template=template,
                user_id=user.id if user else None, for_user=user is not None,
                locale=locale or (user.locale if user else "fr"), context=encode(context),
                status="held" if held else "pending", bulk_message_id=bulk_message_id,
                attachments=list(attachments or ()))
    db.session.add(mail)
    db.session.flush()
    if not held:
        enqueue_after_commit(db.session(), deliver_mail, mail.id)
    return mail
