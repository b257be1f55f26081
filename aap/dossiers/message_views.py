"""Posting to a dossier's thread and downloading what was attached to a message."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from aap.core import ratelimit
from aap.core.permissions import allow, get_or_404, signed_in
from aap.core.storage import download_response, receive
from aap.dossiers.access import access
from aap.dossiers.forms import MessageForm
from aap.dossiers.messages import Message
from aap.dossiers.models import Dossier
from aap.dossiers.operations import post_message
from aap.dossiers.views import render_dossier
from aap.extensions import db


def _thread_dossier(dossier_id) -> Dossier:
    dossier = get_or_404(Dossier, dossier_id)
    if not access(current_user, dossier).thread:
        abort(404)
    return dossier


@allow(signed_in)
def post(dossier_id):
    dossier = _thread_dossier(dossier_id)
    form = MessageForm(prefix="message")
    if not form.validate_on_submit():
        return render_dossier(dossier, message_form=form, status=400)
    refusal = ratelimit.refused(ratelimit.take, "MESSAGE_LIMIT", f"user:{current_user.id}")
    if refusal:
        form.body.errors = [*form.body.errors, _too_many_messages(refusal)]
        status, headers = ratelimit.refusal_answer(refusal)
        body, _status = render_dossier(dossier, message_form=form)
        return body, status, headers
    stored = receive(form.file)
    if form.file.errors:
        return render_dossier(dossier, message_form=form, status=400)
    post_message(dossier, current_user, form.body.data, stored)
    db.session.commit()
    flash(_("Votre message est envoyé."), "success")
    return redirect(url_for("dossiers.show", dossier_id=dossier.id, _anchor="messages-title"))


def _too_many_messages(refusal: Exception) -> str:
    if not isinstance(refusal, ratelimit.RateLimited):
        return _("L'envoi de messages est suspendu pour un instant. Réessayez dans une minute : "
                 "votre message a été gardé.")
    return ngettext("Vous avez envoyé beaucoup de messages en peu de temps. Réessayez dans %(num)d minute : "
                    "votre message a été gardé.", "Vous avez envoyé beaucoup de messages en peu de temps. "
                    "Réessayez dans %(num)d minutes : votre message a été gardé.", -(-refusal.seconds // 60))


@allow(signed_in)
def message_file(dossier_id, message_id):
    message = get_or_404(Message, message_id, dossier_id=dossier_id)
    if message.stored_file is None:
        abort(404)
    return download_response(message.stored_file)
