"""Posting to a dossier's thread and downloading what was attached to a message."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from aap.core.permissions import allow, get_or_404, signed_in
from aap.core.storage import UploadRefused, download_response, storage
from aap.dossiers.messages import MAX_BODY, Message, can_use_thread, post_message
from aap.dossiers.models import Dossier
from aap.dossiers.views import bp
from aap.extensions import db


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Votre message"), render_kw={"rows": 4},
                         validators=[DataRequired(_l("Écrivez votre message avant de l'envoyer.")),
                                     Length(max=MAX_BODY, message=_l("Le message dépasse 10 000 caractères."))])
    file = FileField(_l("Pièce jointe (facultatif)"),
                     description=_l("PDF, PNG, JPEG, ODT, ODS, DOCX ou XLSX, 10 Mo au plus."))


def _thread_dossier(dossier_id) -> Dossier:
    dossier = get_or_404(Dossier, dossier_id)
    if not can_use_thread(dossier, current_user):
        abort(404)
    return dossier


@bp.post("/<int:dossier_id>/messages")
@allow(signed_in)
def post(dossier_id):
    from aap.dossiers.views import render_dossier

    dossier = _thread_dossier(dossier_id)
    form = MessageForm(prefix="message")
    if form.validate_on_submit():
        try:
            stored = storage().save(form.file.data.stream, form.file.data.filename) if form.file.data else None
        except UploadRefused as refusal:
            form.file.errors = [*form.file.errors, str(refusal)]
        else:
            post_message(dossier, current_user, form.body.data, stored)
            db.session.commit()
            flash(_("Votre message est envoyé."), "success")
            return redirect(url_for("dossiers.show", dossier_id=dossier.id, _anchor="messages-title"))
    return render_dossier(dossier, message_form=form, status=400)


@bp.get("/<int:dossier_id>/messages/<int:message_id>/fichier")
@allow(signed_in)
def message_file(dossier_id, message_id):
    message = get_or_404(Message, message_id, dossier_id=dossier_id)
    if not message.file_key:
        abort(404)
    return download_response(message.file_key, message.file_type, message.file_name)
