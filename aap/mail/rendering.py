"""Render a mail from templates/emails/<template>.{txt,html}, at delivery, in the recipient's language."""
from flask import current_app, render_template
from flask_babel import force_locale

from aap.mail.context import decode
from aap.mail.models import Mail


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
