from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from aap.core.permissions import allow, get_or_404, role
from aap.core.text import contains_pattern
from aap.extensions import db
from aap.notifications.models import MAIL_STATES, Mail

bp = Blueprint("notifications", __name__, url_prefix="/admin/courriels")
MAIL_STATE_LABELS = {"pending": _l("En attente"), "sent": _l("Envoyé"), "failed": _l("Échec")}


@bp.get("")
@allow(role("admin"))
def mailbox():
    status = request.args.get("statut", "")
    query = db.select(Mail).order_by(Mail.created_at.desc(), Mail.id.desc())
    if status in MAIL_STATES:
        query = query.where(Mail.status == status)
    search = request.args.get("q", "").strip()
    if search:
        pattern = contains_pattern(search)
        query = query.where(Mail.to_address.ilike(pattern, escape="\\") | Mail.subject.ilike(pattern, escape="\\"))
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=50, error_out=False)
    return render_template("notifications/mailbox.html", page=page, state_labels=MAIL_STATE_LABELS)


@bp.get("/<int:mail_id>")
@allow(role("admin"))
def mail(mail_id):
    return render_template("notifications/mail.html", mail=get_or_404(Mail, mail_id))
