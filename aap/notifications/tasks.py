"""Jobs of the notifications domain: importable, take ids, safe to run twice."""
import logging
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import or_, update

from aap.core.jobs import job
from aap.core.models import utcnow
from aap.core.queue import enqueue_after_commit
from aap.extensions import db
from aap.notifications import smtp
from aap.notifications.delivery import BACKOFF, MAX_ATTEMPTS, check_address, classify
from aap.notifications.mail import render
from aap.notifications.models import Mail

log = logging.getLogger(__name__)
#: a mail claimed longer ago than this by a worker that never finished is tried again
CLAIM_LEASE = timedelta(minutes=10)
#: the relay leaves freshly written mails to the job enqueued with their commit
RELAY_GRACE = timedelta(seconds=30)


@job
def deliver_mail(mail_id: int) -> str:
    """Claim the mail (one worker wins), render, send, record. A second run finds it claimed or sent."""
    now = utcnow()
    claimed = db.session.execute(
        update(Mail).where(Mail.id == mail_id, Mail.status == "pending",
                           or_(Mail.next_attempt_at.is_(None), Mail.next_attempt_at <= now))
        .values(status="sending", claimed_at=now, attempts=Mail.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    if claimed.rowcount != 1:
        status = db.session.execute(db.select(Mail.status).where(Mail.id == mail_id)).scalar()
        return f"not claimed ({status or 'missing'})"
    mail = db.session.get(Mail, mail_id, populate_existing=True)
    try:
        render(mail)
        url = current_app.config["SMTP_URL"]
        if url is not None:
            check_address(mail.to_address)
            smtp.send(smtp.parse_smtp_url(url), build_message(mail))
    except Exception as error:  # every fault ends recorded on the row; the worker carries on
        return _record_failure(mail, error)
    mail.transport = "mailbox" if url is None else "smtp"
    mail.status, mail.sent_at, mail.last_error, mail.next_attempt_at = "sent", utcnow(), None, None
    return "sent"


def _record_failure(mail: Mail, error: Exception) -> str:
    permanent, reason = classify(error)
    mail.last_error = reason
    if permanent or mail.attempts >= MAX_ATTEMPTS:
        mail.status, mail.next_attempt_at = "failed", None
        log.warning("mail %s failed for good: %s", mail.id, reason)
        return "failed"
    mail.status = "pending"
    mail.next_attempt_at = utcnow() + timedelta(seconds=BACKOFF[mail.attempts - 1])
    enqueue_after_commit(db.session(), deliver_mail, mail.id, at=mail.next_attempt_at)
    return "retry"


def build_message(mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    domain = current_app.config["PUBLIC_URL"].split("://")[-1].split("/")[0].split(":")[0] or "localhost"
    # the same Message-ID on every attempt lets mail systems recognise a repeated delivery
    message["Message-ID"] = f"<{mail.message_id_key}@{domain}>"
    message.set_content(mail.body_text)
    message.add_alternative(mail.body_html, subtype="html")
    return message


def relay_outbox(queue, now=None) -> int:
    """Enqueue again what a lost job left behind: pending rows, and sends a dead worker never finished."""
    now = now or utcnow()
    abandoned = db.session.execute(db.select(Mail).where(Mail.status == "sending",
                                                         Mail.claimed_at <= now - CLAIM_LEASE)).scalars()
    for mail in abandoned:
        mail.status, mail.last_error = "pending", "Envoi interrompu (worker arrêté) : nouvelle tentative."
    db.session.commit()
    due = db.session.execute(db.select(Mail.id).where(
        Mail.status == "pending", Mail.created_at <= now - RELAY_GRACE,
        or_(Mail.next_attempt_at.is_(None), Mail.next_attempt_at <= now)).order_by(Mail.id)).scalars().all()
    for mail_id in due:
        queue.enqueue(deliver_mail, mail_id)
    return len(due)


def resend(mail: Mail) -> None:
    """An admin sends a failed mail again, with a fresh set of attempts."""
    mail.status, mail.attempts, mail.next_attempt_at, mail.claimed_at = "pending", 0, None, None
    enqueue_after_commit(db.session(), deliver_mail, mail.id)
