"""Jobs of the notifications domain: importable, take ids, safe to run twice."""
import contextlib
import logging
from datetime import timedelta
from email import encoders
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr

from flask import current_app
from sqlalchemy import or_, update
from sqlalchemy.orm import joinedload

from aap.core.jobs import job
from aap.core.models import utcnow
from aap.core.queue import enqueue_after_commit, get_queue
from aap.extensions import db
from aap.mail import smtp
from aap.mail.attachments import Attachment, build_all
from aap.mail.delivery import BACKOFF, MAX_ATTEMPTS, check_address, classify
from aap.mail.models import Mail
from aap.mail.rendering import render

log = logging.getLogger(__name__)
#: a mail claimed longer ago than this by a worker that never finished is tried again
CLAIM_LEASE = timedelta(minutes=10)
#: the relay leaves freshly written mails to the job enqueued with their commit
RELAY_GRACE = timedelta(seconds=30)
#: mails written in one transaction leave in jobs of at most this many, over one SMTP connection
BATCH_SIZE = 50


def _transport():
    """An SMTP connection, or nothing: without SMTP_URL the mail stays in the development mailbox."""
    url = current_app.config["SMTP_URL"]
    return contextlib.nullcontext() if url is None else smtp.SmtpConnection(smtp.parse_smtp_url(url))


@job
def deliver_mail(mail_id: int) -> str:
    """Claim the mail (one worker wins), render, send, record. A second run finds it claimed or sent."""
    with _transport() as transport:
        return _deliver(mail_id, transport)


@job
def deliver_mails(mail_ids: list[int]) -> dict[str, int]:
    """Several mails over one connection, each claimed, sent and recorded on its own."""
    outcomes: dict[str, int] = {}
    with _transport() as transport:
        for mail_id in mail_ids:
            outcome = _deliver(mail_id, transport)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


deliver_mail.batch = deliver_mails
deliver_mail.batch_size = BATCH_SIZE


def _deliver(mail_id: int, transport) -> str:
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
    # mail templates read the recipient's name and language, not what their account links to
    mail = db.session.get(Mail, mail_id, populate_existing=True, options=[joinedload(Mail.user).lazyload("*")])
    try:
        render(mail)
        files = build_all(mail.attachments)
        if transport is not None:
            check_address(mail.to_address)
            transport.send(build_message(mail, files))
    except Exception as error:  # every fault ends recorded on the row; the worker carries on
        outcome = _record_failure(mail, error)
    else:
        mail.transport = "mailbox" if transport is None else "smtp"
        mail.status, mail.sent_at, mail.last_error, mail.next_attempt_at = "sent", utcnow(), None, None
        outcome = "sent"
    db.session.commit()
    return outcome


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


def build_message(mail: Mail, files: list[Attachment] = ()) -> MIMEMultipart:
    """Plain text and HTML alternatives, then the files if any; the compat32 classes build it several times faster
    than EmailMessage."""
    body = MIMEMultipart("alternative")
    body.attach(MIMEText(mail.body_text, "plain", "utf-8"))
    body.attach(MIMEText(mail.body_html, "html", "utf-8"))
    message = body
    if files:
        message = MIMEMultipart("mixed")
        message.attach(body)
        for file in files:
            message.attach(_file_part(file))
    message["From"] = formataddr(parseaddr(current_app.config["MAIL_FROM"]), charset="utf-8")
    message["To"] = mail.to_address
    message["Subject"] = Header(mail.subject, "utf-8")
    message["Date"] = formatdate(localtime=False)
    domain = current_app.config["PUBLIC_URL"].split("://")[-1].split("/")[0].split(":")[0] or "localhost"
    # the same Message-ID on every attempt lets mail systems recognise a repeated delivery
    message["Message-ID"] = f"<{mail.message_id_key}@{domain}>"
    if mail.context.get("unsubscribe_url"):  # mail clients offer a one-click unsubscribe button
        message["List-Unsubscribe"] = f"<{mail.context['unsubscribe_url']}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def _file_part(file: Attachment) -> MIMEBase:
    """A text file keeps its parameters (text/calendar; method=REQUEST) and says it is UTF-8; others go in base64."""
    kind, _, parameters = file.mimetype.partition(";")
    maintype, _, subtype = kind.strip().partition("/")
    if maintype == "text":
        part = MIMEText(file.content.decode("utf-8"), subtype, "utf-8")
        for parameter in filter(None, (item.strip() for item in parameters.split(";"))):
            name, _, value = parameter.partition("=")
            part.set_param(name.strip(), value.strip())
    else:
        part = MIMEBase(maintype, subtype)
        part.set_payload(file.content)
        encoders.encode_base64(part)
    name = file.filename if file.filename.isascii() else ("utf-8", "", file.filename)
    part.add_header("Content-Disposition", "attachment", filename=name)
    return part


def relay_outbox(now=None) -> int:
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
    queue = get_queue()
    for start in range(0, len(due), BATCH_SIZE):
        queue.enqueue(deliver_mails, due[start:start + BATCH_SIZE])
    return len(due)


def resend(mail: Mail) -> None:
    """An admin sends a failed mail again, with a fresh set of attempts."""
    mail.status, mail.attempts, mail.next_attempt_at, mail.claimed_at = "pending", 0, None, None
    enqueue_after_commit(db.session(), deliver_mail, mail.id)
