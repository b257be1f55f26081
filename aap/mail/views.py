"""The outbox as administrators see it: every mail with its state and reason, resending, queue health."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from aap.core.listing import requested_page, requested_sort
from aap.core.permissions import allow, get_or_404, role
from aap.core.queue import get_queue
from aap.extensions import db
from aap.mail import health, queries, tasks
from aap.mail.labels import template_label
from aap.mail.models import Mail

# no url_prefix: the queue health page lives beside the mailbox, outside /admin/courriels
bp = Blueprint("mailbox", __name__)
MAIL_STATE_LABELS = {"held": _l("Retenu (en attente de validation)"), "pending": _l("En attente d'envoi"),
                     "sending": _l("Envoi en cours"), "sent": _l("Envoyé"), "failed": _l("Échec définitif")}
TICK_LABELS = {"scheduled": _l("Planifiée"), "queued": _l("Dans la file, en attente d'un processus de fond"),
               "started": _l("En cours d'exécution"),
               "missing": _l("Non planifiée : aucun processus de fond avec planificateur ne l'a programmée")}
WORKER_STATE_LABELS = {"idle": _l("Disponible"), "busy": _l("Occupé"), "started": _l("Démarré"),
                       "suspended": _l("Suspendu"), "?": _l("Inconnu")}


@bp.app_template_filter("mail_template_label")
def mail_template_label(template: str) -> str:
    return template_label(template)


@bp.get("/admin/courriels")
@allow(role("admin"))
def mailbox():
    args = request.args
    # without a chosen column the newest mails come first; a chosen column starts upwards
    sort, descending = requested_sort(args, queries.MAIL_SORTS, "date", descending="tri" not in args)
    page = queries.mailbox_page(args, sort, descending, requested_page(args))
    return render_template("mail/mailbox.html", page=page, state_labels=MAIL_STATE_LABELS, sort=sort,
                           descending=descending, failed_count=queries.failed_count(), form=FlaskForm())


@bp.get("/admin/courriels/<int:mail_id>")
@allow(role("admin"))
def mail(mail_id):
    return render_template("mail/mail.html", mail=get_or_404(Mail, mail_id), form=FlaskForm(),
                           state_labels=MAIL_STATE_LABELS)


@bp.post("/admin/courriels/<int:mail_id>/renvoyer")
@allow(role("admin"))
def resend(mail_id):
    outgoing = get_or_404(Mail, mail_id, "resend")
    if not FlaskForm().validate_on_submit():
        abort(400)
    if outgoing.status != "failed":
        flash(_("Ce courriel n'est pas en échec : il ne peut pas être renvoyé."), "error")
        return redirect(url_for("mailbox.mail", mail_id=outgoing.id))
    tasks.resend(outgoing)
    db.session.commit()
    flash(_("Le courriel à %(address)s est de nouveau en file d'envoi.", address=outgoing.to_address), "success")
    return redirect(url_for("mailbox.mail", mail_id=outgoing.id))


@bp.post("/admin/courriels/renvoyer-les-echecs")
@allow(role("admin"))
def resend_failed():
    """Every failed mail matching the mailbox's search goes back to the outbox."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    mails = queries.failed_mails(request.args.get("q", ""))
    for failed_mail in mails:
        tasks.resend(failed_mail)
    db.session.commit()
    if mails:
        flash(_("%(num)d courriel(s) en échec remis en file d'envoi.", num=len(mails)), "success")
    else:
        flash(_("Aucun courriel en échec à renvoyer."), "info")
    return redirect(url_for("mailbox.mailbox", statut="failed", q=request.args.get("q") or None))


@bp.get("/admin/file-d-attente")
@allow(role("admin"))
def queue_health():
    figures, unreachable = health.queue_health(get_queue)
    return render_template("mail/queue_health.html", figures=figures, unreachable=unreachable,
                           outbox=health.outbox_figures(), tick_labels=TICK_LABELS,
                           worker_labels=WORKER_STATE_LABELS)
