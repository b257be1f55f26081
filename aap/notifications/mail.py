"""Put a mail in the outbox; render it (at delivery) from templates/emails/ in the recipient's language."""
import uuid

from flask import current_app, render_template
from flask_babel import force_locale

from aap.core.queue import enqueue_after_commit
from aap.extensions import db
from aap.notifications.context import decode, encode
from aap.notifications.models import Mail


class RecipientGone(Exception):
    """The account the mail was written for was deleted or disabled before the send."""


def _render_text(template: str, context: dict) -> tuple[str, str]:
    """Subject and plain text of templates/emails/<template>.txt, in the locale in force."""
    text = render_template(f"emails/{template}.txt", **context)
    first_line, _, body = text.lstrip("\n").partition("\n")
    if not first_line.startswith("Subject: "):
        raise ValueError(f"emails/{template}.txt doit commencer par une ligne « Subject: … »")
    return " ".join(first_line.removeprefix("Subject: ").split()), body.strip("\n") + "\n"


def render_subject(template: str, locale: str, context: dict) -> str:
    with force_locale(locale):
        return _render_text(template, {"public_url": current_app.config["PUBLIC_URL"], **context})[0]


def render_parts(template: str, locale: str, context: dict) -> tuple[str, str, str]:
    """Subject, plain text and HTML of templates/emails/<template>.{txt,html}."""
    context = {"public_url": current_app.config["PUBLIC_URL"], **context}
    with force_locale(locale):
        subject, body = _render_text(template, context)
        html = render_template(f"emails/{template}.html", subject=subject, **context)
    return subject, body, html


def render(mail: Mail) -> None:
    """Fill the mail's subject and bodies; the recipient's account, if any, must still be active."""
    recipient, locale = None, mail.locale
    if mail.for_user:
        recipient = mail.user
        if recipient is None:
            raise RecipientGone("le compte destinataire a été supprimé avant l'envoi")
        if not recipient.active:
            raise RecipientGone("le compte destinataire a été désactivé avant l'envoi")
        locale = recipient.locale
    mail.subject, mail.body_text, mail.body_html = render_parts(
        mail.template, locale, {"recipient": recipient, **decode(mail.context)})


def queue_mail(to_address: str, template: str, *, user=None, locale: str | None = None, key: str | None = None,
               held: bool = False, bulk_message_id: int | None = None, **context) -> Mail:
    """Write the mail in the current transaction; its delivery job is enqueued once that commits.

    A `key` makes the call idempotent: the mail already written under that key is returned.
    """
    from aap.notifications.tasks import deliver_mail

    if key is not None:
        existing = db.session.execute(db.select(Mail).where(Mail.idempotency_key == key)).scalar_one_or_none()
        if existing is not None:
            return existing
    mail = Mail(idempotency_key=key or f"mail:{uuid.uuid4().hex}", to_address=to_address, template=template,
                user_id=user.id if user else None, for_user=user is not None,
                locale=locale or (user.locale if user else "fr"), context=encode(context),
                status="held" if held else "pending", bulk_message_id=bulk_message_id)
    db.session.add(mail)
    db.session.flush()
    if not held:
        enqueue_after_commit(db.session(), deliver_mail, mail.id)
    return mail
