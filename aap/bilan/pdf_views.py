"""A bilan version's PDF: its progress while the job prints it, its public download, printing it again, a preview."""
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from aap.bilan import pdf
from aap.bilan.access import manages_bilan
from aap.bilan.figures import snapshot
from aap.bilan.models import PDF_QUEUED, PDF_READY, PDF_RUNNING, Bilan, BilanVersion
from aap.bilan.pdf_tasks import regenerate_pdf
from aap.bilan.queries import published_version
from aap.calls.models import Call
from aap.core.inputs import ActionForm, sent_by_button
from aap.core.models import utcnow
from aap.core.pdf import pdf_document
from aap.core.permissions import allow, get_or_404, public, require, role
from aap.core.roles import ADMIN
from aap.core.storage import download_response
from aap.extensions import db

bp = Blueprint("bilan_pdf", __name__)
VERSION = "/bilans/<int:call_id>/v<int:number>"
#: how often the page without a script asks again while the PDF is printed
REFRESH_SECONDS = 3


def _version(call_id: int, number: int) -> BilanVersion:
    version = published_version(call_id, number)
    if version is None:
        abort(404)
    return version


@bp.get(VERSION + "/pdf/etat")
@allow(public)
def status(call_id, number):
    """Without a script the page refreshes itself while it waits; with one, the script follows the job instead."""
    version = _version(call_id, number)
    return render_template("bilan/pdf_status_page.html", version=version, call=version.bilan.call,
                           waiting=version.pdf_state in (PDF_QUEUED, PDF_RUNNING), refresh=REFRESH_SECONDS)


@bp.get(VERSION + "/pdf/etat.json")
@allow(public)
def status_json(call_id, number):
    """What the page's script reads while it waits; the reason of a failure is on the page, for the admins."""
    version = _version(call_id, number)
    ready = version.pdf_state == PDF_READY and version.stored_file is not None
    return jsonify(state=version.pdf_state, done=version.pdf_done, total=version.pdf_total,
                   size=version.file_size if ready else None,
                   url=url_for("bilan_pdf.download", call_id=call_id, number=number) if ready else None)


@bp.get(VERSION + "/bilan.pdf")
@allow(public)
def download(call_id, number):
    version = _version(call_id, number)
    if version.pdf_state != PDF_READY or version.stored_file is None:
        abort(404)
    return download_response(version.stored_file)


@bp.post(VERSION + "/pdf/regenerer")
@allow(role(ADMIN))
def regenerate(call_id, number):
    version = _version(call_id, number)
    require(manages_bilan(current_user, version.bilan.call_id))
    sent_by_button(ActionForm())
    if regenerate_pdf(version):
        db.session.commit()
        flash(_("Le PDF de la version %(number)d est de nouveau en préparation.", number=number), "success")
    else:
        flash(_("Le PDF de la version %(number)d n'est pas en échec : il n'y a rien à refaire.", number=number), "info")
    return redirect(url_for("bilan_pdf.status", call_id=call_id, number=number))


@bp.get("/admin/appels/<int:call_id>/bilan/apercu.pdf")
@allow(role(ADMIN))
def preview(call_id):
    """The bilan as it would be published now, printed at once from the live figures and the draft texts."""
    call = get_or_404(Call, call_id, "manage")
    draft = db.session.execute(select(Bilan).where(Bilan.call_id == call.id)).scalar_one_or_none()
    figures = snapshot(call, utcnow())
    document = pdf.bilan_pdf_bytes(figures, draft.introduction if draft else "", draft.commentary if draft else "")
    return pdf_document(document, pdf.file_name(figures))
