"""The import of past editions in the administration: upload, preview, confirmation, result, and past imports.

The file sent for the preview is kept through the storage interface under its SHA-256; the confirmation names
only that digest, and the file read back must have it.
"""
import os

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from aap.bilan import history_template as template
from aap.bilan.history_forms import ConfirmForm, UploadForm, workflow_choices
from aap.bilan.history_operations import DEFAULT_WORKFLOW, digest, import_file, read_file
from aap.bilan.models import HistoryImport
from aap.core.inputs import has_control_characters
from aap.core.listing import page_of, requested_page
from aap.core.models import utcnow
from aap.core.permissions import allow, role
from aap.core.storage import StorageUnavailable, release_after_commit, storage
from aap.extensions import db

bp = Blueprint("history", __name__, url_prefix="/admin/historique")
EXAMPLE = os.path.join(os.path.dirname(__file__), os.pardir, "data", "historique-exemple.csv")
#: the preview lists this many problems at most, and says how many more there are
SHOWN_PROBLEMS = 1000


def _upload_form() -> UploadForm:
    form = UploadForm()
    form.workflow.choices = workflow_choices()
    if not form.is_submitted():
        form.workflow.data = DEFAULT_WORKFLOW
    return form


def _index(form: UploadForm, status: int = 200):
    imports = list(db.session.execute(select(HistoryImport).order_by(HistoryImport.id.desc())).scalars())
    return render_template("bilan/history_index.html", form=form, imports=page_of(imports, requested_page(request.args),
                                                                                  50)), status


def file_label(name: str | None) -> str:
    """The file's name as shown and recorded: no folder, no control character, 200 characters at most."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    return "".join(c for c in base if not has_control_characters(c))[:200] or "historique"


@bp.get("")
@allow(role("admin"))
def index():
    return _index(_upload_form())


@bp.post("/apercu")
@allow(role("admin"))
def preview():
    form = _upload_form()
    if not form.validate_on_submit():
        return _index(form, 400)
    data = form.file.data.stream.read(template.MAX_BYTES + 1)
    reading = read_file(data, form.workflow.data, utcnow())
    db.session.rollback()  # a preview writes nothing
    name = file_label(form.file.data.filename)
    if not reading.problems and reading.earlier is None and not reading.plan.changes_nothing:
        try:
            storage().keep(reading.sha256, data)
        except StorageUnavailable as unavailable:
            form.file.errors = [str(unavailable)]
            return _index(form, 503)
    confirm = ConfirmForm(formdata=None, sha256=reading.sha256, file_name=name, workflow=form.workflow.data)
    return _preview(reading, name, confirm, 400 if reading.problems else 200)


def _preview(reading, name: str, confirm: ConfirmForm, status: int):
    return render_template("bilan/history_preview.html", reading=reading, file_name=name, confirm=confirm,
                           problems=reading.problems[:SHOWN_PROBLEMS],
                           more=max(0, len(reading.problems) - SHOWN_PROBLEMS)), status


def _kept(sha256: str) -> bytes | None:
    """The previewed file, if it is still kept and still has its digest."""
    try:
        with storage().open(sha256) as handle:
            data = handle.read(template.MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    return data if digest(data) == sha256 else None


@bp.post("/importer")
@allow(role("admin"))
def confirm():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    data = _kept(form.sha256.data)
    if data is None:
        flash(_("Le fichier de l'aperçu n'est plus disponible : envoyez-le de nouveau."), "error")
        return redirect(url_for(".index"))
    name = file_label(form.file_name.data)
    imported = import_file(data, name, form.workflow.data, current_user, current_user.email, utcnow())
    if imported.problems:
        db.session.rollback()
        return _preview(imported.reading, name, form, 409)
    release_after_commit(db.session, form.sha256.data)
    db.session.commit()
    flash(imported.message, "success" if imported.record else "info")
    if imported.record is None:
        return redirect(url_for(".index"))
    return redirect(url_for(".show", import_id=imported.record.id))


@bp.get("/<int:import_id>")
@allow(role("admin"))
def show(import_id):
    record = db.session.get(HistoryImport, import_id)
    if record is None:
        abort(404)
    return render_template("bilan/history_show.html", record=record)


@bp.get("/aide")
@allow(role("admin"))
def help_page():
    return render_template("bilan/history_help.html", columns=template.COLUMNS, groups=template.GROUPS,
                           template=template)


@bp.get("/historique-exemple.csv")
@allow(role("admin"))
def example():
    return send_file(os.path.abspath(EXAMPLE), mimetype="text/csv", as_attachment=True,
                     download_name="historique-exemple.csv", max_age=0)
