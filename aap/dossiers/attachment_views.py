"""Uploading, downloading and removing a dossier's attachments."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.file import FileField

from aap.core.inputs import Form
from aap.core.permissions import allow, get_or_404, signed_in
from aap.core.storage import download_response, receive
from aap.dossiers.attachments import OTHER, Attachment, attach, room_for
from aap.dossiers.models import Dossier
from aap.extensions import db


class UploadForm(Form):
    file = FileField()


def _kinds(dossier) -> dict[str, str]:
    return {**{piece["key"]: piece["label"] for piece in dossier.pieces()}, OTHER: _("Autre pièce")}


@allow(signed_in)
def upload(dossier_id):
    dossier = get_or_404(Dossier, dossier_id, "edit")
    kind = request.form.get("kind", "")
    if kind not in _kinds(dossier):
        abort(400)
    form, piece = UploadForm(), _kinds(dossier)[kind]
    target = url_for("dossiers.show", dossier_id=dossier.id, _anchor=f"piece-{kind}")
    if not form.validate_on_submit() or not form.file.data or not form.file.data.filename:
        flash(_("Choisissez un fichier avant d'envoyer « %(piece)s ».", piece=piece), "error")
        return redirect(target)
    stored = receive(form.file, room_for(dossier, kind))
    if stored is None:
        flash(_("« %(piece)s » n'a pas été ajouté : %(reason)s", piece=piece, reason=form.file.errors[-1]),
              "error")
        return redirect(target)
    attach(dossier, kind, stored, current_user)
    db.session.commit()
    flash(_("« %(piece)s » est ajouté au dossier (%(name)s).", piece=piece, name=stored.name), "success")
    return redirect(target)


@allow(signed_in)
def download(dossier_id, attachment_id):
    attachment = get_or_404(Attachment, attachment_id, dossier_id=dossier_id)
    return download_response(attachment.stored_file)


@allow(signed_in)
def remove(dossier_id, attachment_id):
    attachment = get_or_404(Attachment, attachment_id, "edit", dossier_id=dossier_id)
    name = attachment.file_name
    attachment.dossier.attachments.remove(attachment)  # its file goes once this is committed
    db.session.commit()
    flash(_("« %(name)s » est retiré du dossier.", name=name), "success")
    return redirect(url_for("dossiers.show", dossier_id=dossier_id, _anchor="pieces-title"))
