"""The reading view of a submitted dossier, on screen and as the « dossier complet » PDF."""
from flask import abort, redirect, render_template, url_for
from flask_login import current_user

from aap.core.errors import render_error
from aap.core.models import utcnow
from aap.core.pdf import pdf_response
from aap.core.permissions import allow, signed_in
from aap.dossiers.access import access, piece_withheld
from aap.dossiers.models import Dossier
from aap.dossiers.reading import Reading, build, current_source
from aap.extensions import db


def _readable(dossier_id):
    """The dossier and the reader's rights, or the answer to give instead (404, the edit form of a draft)."""
    dossier = db.session.get(Dossier, dossier_id)
    rights = access(current_user, dossier) if dossier is not None else None
    if rights is not None and rights.recused:
        return None, None, render_error(404, rights.recused)
    if rights is None or not rights.view:
        abort(404)
    if not rights.read_answers:  # a draft is read in its own form, by its organisation only
        if rights.edit:
            return None, None, redirect(url_for("dossiers.edit", dossier_id=dossier.id))
        abort(404)
    return dossier, rights, None


def reading_of(dossier, rights, links: bool) -> Reading:
    withheld = lambda kind: piece_withheld(current_user, dossier, kind)  # noqa: E731
    return build(current_source(dossier), rights.identity_hidden, withheld, dossier.id if links else None)


@allow(signed_in)
def reading(dossier_id):
    dossier, rights, answer = _readable(dossier_id)
    if answer is not None:
        return answer
    return render_template("dossiers/reading.html", dossier=dossier, access=rights,
                           reading=reading_of(dossier, rights, links=True))


@allow(signed_in)
def complete_pdf(dossier_id):
    dossier, rights, answer = _readable(dossier_id)
    if answer is not None:
        return answer
    name = dossier.reference or f"dossier-{dossier.id}"
    return pdf_response("dossiers/complete_pdf.html", f"dossier-complet-{name}.pdf", dossier=dossier, now=utcnow(),
                        reading=reading_of(dossier, rights, links=False))
