"""Calls in the administration: their workflow version, opening, and migration to a newer version."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from aap.calls.models import Call
from aap.core.permissions import allow, get_or_404, role
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow import operations, schema
from aap.workflow.engine import workflow_of_version

bp = Blueprint("calls", __name__, url_prefix="/admin/appels")


@bp.get("")
@allow(role("admin"))
def index():
    counts = dict(db.session.execute(db.select(Dossier.call_id, db.func.count()).group_by(Dossier.call_id)).all())
    calls = db.session.execute(db.select(Call).order_by(Call.year.desc(), Call.title)).scalars().all()
    return render_template("calls/admin_index.html", calls=calls, counts=counts, form=FlaskForm())


@bp.post("/<int:call_id>/ouvrir")
@allow(role("admin"))
def open_call(call_id):
    call = get_or_404(Call, call_id, "manage")
    if call.state != "draft":
        flash(_("Cet appel est déjà ouvert : son workflow est fixé."), "error")
        return redirect(url_for("calls.index"))
    try:
        version = operations.open_call(call)
    except schema.InvalidWorkflow as invalid:
        db.session.rollback()
        flash(_("Ouverture impossible, le workflow est invalide : %(errors)s",
                errors="; ".join(str(e) for e in invalid.errors)), "error")
        return redirect(url_for("calls.index"))
    db.session.commit()
    flash(_("L'appel est ouvert ; ses dossiers suivront %(version)s.", version=str(version)), "success")
    return redirect(url_for("calls.index"))


@bp.route("/<int:call_id>/migration", methods=["GET", "POST"])
@allow(role("admin"))
def migrate(call_id):
    call = get_or_404(Call, call_id, "manage")
    if call.workflow_version is None:
        flash(_("Cet appel n'est pas encore ouvert : il suivra le fichier tel qu'il sera à l'ouverture."), "error")
        return redirect(url_for("calls.index"))
    try:
        latest = operations.load_named(call.workflow_version.name)
    except schema.InvalidWorkflow as invalid:
        return render_template("workflow/invalid.html", name=call.workflow_version.name, errors=invalid.errors), 422
    current = workflow_of_version(call.workflow_version)
    in_use = operations.call_dossier_states(call)
    mapping = {state: request.form.get(f"map-{state}") or (state if state in latest.states else "")
               for state in in_use}
    problems, form = [], FlaskForm()
    if latest.digest == call.workflow_version.digest:
        problems = [_("Le fichier n'a pas changé depuis l'ouverture de l'appel : il n'y a rien à migrer.")]
    elif form.validate_on_submit():
        target = operations.snapshot(latest)
        problems = operations.migration_problems(call, target, mapping)
        if not problems:
            migration = operations.migrate_call(call, target, mapping, current_user)
            db.session.commit()
            flash(ngettext("%(num)d dossier suit maintenant %(version)s.", "%(num)d dossiers suivent maintenant %(version)s.",
                           migration.dossier_count, version=str(target)), "success")
            return redirect(url_for("calls.index"))
        db.session.rollback()
    return render_template("calls/migrate.html", call=call, current=current, latest=latest, in_use=in_use,
                           mapping=mapping, problems=problems, form=form), 400 if problems and request.method == "POST" else 200
