"""Jobs of the notifications domain: importable, take ids, safe to run twice."""
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from aap.core.jobs import job
from aap.core.models import utcnow
from aap.extensions import db
from aap.notifications import smtp
from aap.notifications.models import Mail


@job
def deliver_mail(mail_id: int) -> str:
    mail = db.session.get(Mail, mail_id, with_for_update=True)
    if mail is None:
        return "missing"
    if mail.status == "sent":
        return "already sent"
    mail.attempts += 1
    url = current_app.config["SMTP_URL"]
    if url is None:
        mail.transport = "mailbox"
    else:
        try:
            smtp.send(smtp.parse_smtp_url(url), _message(mail))
        except (OSError, ValueError) as exc:  # smtplib errors derive from OSError
            mail.last_error = f"{type(exc).__name__}: {exc}"
            mail.status = "failed"
            return "failed"
        mail.transport = "smtp"
    mail.status, mail.sent_at, mail.last_error = "sent", utcnow(), None
    return "sent"


def _message(mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    domain = current_app.config["PUBLIC_URL"].split("://")[-1].split("/")[0].split(":")[0] or "localhost"
    message["Message-ID"] = make_msgid(idstring=mail.message_id_key, domain=domain)
    message.set_content(mail.body_text)
    message.add_alternative(mail.body_html, subtype="html")
    return message
