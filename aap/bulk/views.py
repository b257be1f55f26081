"""An admin's messages to a filtered set of people: write, preview, hold for review, then send or cancel."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from aap.auth.models import User
from aap.bulk import operations as bulk
from aap.bulk import queries as bulk_queries
from aap.bulk.forms import AUDIENCE_LABELS, MAIL_LABELS, STATUS_LABELS, BulkMessageForm
from aap.bulk.models import BulkMessage
from aap.calls.queries import all_calls, versions_followed_by_calls
from aap.core.listing import requested_page, requested_sort
from aap.core.permissions import allow, get_or_404, role, signed_in
from aap.extensions import db
from aap.mail.preview import preview_document
from aap.workflow import engine

bp = Blueprint("bulk", __name__)
ADMIN = "/admin/messages"


@bp.app_template_filter("mail_preview_document")
def mail_preview_document(html: str) -> str:
    return preview_document(html, url_for("static", filename="css/mail-preview.css"))


@bp.get(ADMIN)
@allow(role("admin"))
def index():
    args = request.args
    sort, descending = requested_sort(args, bulk_queries.SORTS, "date", descending=True)
    page = bulk_queries.messages_page(status=args.get("statut", ""), sort=sort, descending=descending,
                              page=requested_page(args))
    return render_template("bulk/index.html", page=page, sort=sort, descending=descending,
                           counts=bulk_queries.mail_counts([message.id for message in page.items]),
                           status_labels=STATUS_LABELS, audience_labels=AUDIENCE_LABELS)


def _form() -> BulkMessageForm:
    form = BulkMessageForm()
    calls = all_calls()
    form.call_id.choices = [("", _("— Tous les appels —"))] + [(call.id, str(call)) for call in calls]
    states = {}
    for version in versions_followed_by_calls():
        for state in engine.workflow_of_version(version).ordered_states():
            states.setdefault(state.name, state.label)
    form.states.choices = list(states.items())
    return form


def _render_new(form, shown=None, status=200):
    return render_template("bulk/new.html", form=form, preview=shown), status


@bp.route(ADMIN + "/nouveau", methods=["GET", "POST"])
@allow(role("admin"))
def new():
    form = _form()
    if not form.validate_on_submit():
        return _render_new(form, status=400 if form.errors else 200)
    audience = bulk.Audience(form.role.data, form.call_id.data, tuple(form.states.data or ()))
    try:
        if request.form.get("action") == "hold":
            message = bulk.hold(current_user, form.subject.data, form.body.data, audience)
            db.session.commit()
            flash(_("Le message est en attente : vérifiez les destinataires, puis envoyez-le ou annulez-le."),
                  "success")
            return redirect(url_for("bulk.show", message_id=message.id))
        shown = bulk.preview(current_user, form.subject.data, form.body.data, audience)
    except bulk.EmptyAudience as error:
        form.form_errors.append(str(error))
        return _render_new(form, status=400)
    return _render_new(form, shown)


@bp.get(ADMIN + "/<int:message_id>")
@allow(role("admin"))
def show(message_id):
    message = get_or_404(BulkMessage, message_id)
    page = bulk_queries.recipients_page(message, requested_page(request.args))
    released_by = db.session.get(User, message.released_by_id) if message.released_by_id else None
    return render_template("bulk/show.html", message=message, page=page, form=FlaskForm(),
                           counts=bulk_queries.mail_counts([message.id])[message.id],
                           sample=bulk.sample(message) if message.status == "held" else None,
                           released_by=released_by,
                           status_labels=STATUS_LABELS, audience_labels=AUDIENCE_LABELS,
                           mail_labels=MAIL_LABELS)


def _act(message_id: int, operation) -> int | None:
    """Run a state change on a held message; the refusal's reason, if any, is shown to the admin."""
    message = get_or_404(BulkMessage, message_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        result = operation(message)
    except ValueError as error:
        db.session.rollback()
        flash(str(error), "error")
        return None
    db.session.commit()
    return result


@bp.post(ADMIN + "/<int:message_id>/envoyer")
@allow(role("admin"))
def release(message_id):
    sent = _act(message_id, lambda message: bulk.release(message, current_user))
    if sent is not None:
        flash(ngettext("Message envoyé : %(num)d courriel part maintenant, et chaque destinataire le retrouve "
                       "dans son centre de notifications.",
                       "Message envoyé : %(num)d courriels partent maintenant, et chaque destinataire le retrouve "
                       "dans son centre de notifications.", sent), "success")
    return redirect(url_for("bulk.show", message_id=message_id))


@bp.post(ADMIN + "/<int:message_id>/annuler")
@allow(role("admin"))
def cancel(message_id):
    dropped = _act(message_id, bulk.cancel)
    if dropped is not None:
        flash(ngettext("Message annulé : rien n'est parti, %(num)d courriel retenu est supprimé.",
                       "Message annulé : rien n'est parti, %(num)d courriels retenus sont supprimés.", dropped),
              "success")
    return redirect(url_for("bulk.show", message_id=message_id))



@bp.get("/notifications/messages/<int:message_id>")
@allow(signed_in)
def announcement(message_id):
    """A bulk message as its recipients read it, whatever their mail preference."""
    message = get_or_404(BulkMessage, message_id)
    return render_template("bulk/announcement.html", message=message)
