"""Render a mail from templates/emails/ in the recipient's language and put it in the outbox."""
from flask import current_app, render_template
from flask_babel import force_locale

from aap.core.queue import enqueue_after_commit
from aap.extensions import db
from aap.notifications.models import Mail


def _render_parts(template: str, context: dict) -> tuple[str, str, str]:
    text = render_template(f"emails/{template}.txt", **context)
    first_line, _, body = text.lstrip("\n").partition("\n")
    if not first_line.startswith("Subject: "):
        raise ValueError(f"emails/{template}.txt doit commencer par une ligne « Subject: … »")
    subject = first_line.removeprefix("Subject: ").strip()
    html = render_template(f"emails/{template}.html", subject=subject, **context)
    return subject, body.strip("\n") + "\n", html


def queue_mail(to_address: str, template: str, *, user=None, locale: str | None = None, **context) -> Mail:
    """Write the mail in the current transaction; its delivery job is enqueued once that commits."""
    from aap.notifications.tasks import deliver_mail

    context.setdefault("public_url", current_app.config["PUBLIC_URL"])
    with force_locale(locale or (user.locale if user else "fr")):
        subject, text, html = _render_parts(template, {"recipient": user, **context})
    mail = Mail(to_address=to_address, user_id=user.id if user else None, template=template,
                subject=subject, body_text=text, body_html=html)
    db.session.add(mail)
    db.session.flush()
    enqueue_after_commit(db.session(), deliver_mail, mail.id)
    return mail
