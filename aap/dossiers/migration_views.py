"""Administrators move a call's dossiers to the newest version of its workflow file."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from aap.calls.models import Call
from aap.core.permissions import allow, get_or_404, role
from aap.dossiers import migration
from aap.extensions import db
from aap.workflow import schema
from aap.workflow.engine import workflow_of_version
from aap.workflow.operations import load_named, pin_version

bp = Blueprint("migration", __name__, url_prefix="/admin/appels")


@bp.route("/<int:call_id>/migration", methods=["GET", "POST"])
@allow(role("admin"))
def migrate(call_id):
    call = get_or_404(Call, call_id, "manage")
    if call.workflow_version is None:
        flash(_("Cet appel n'est pas encore publié : il suivra le fichier tel qu'il sera à la publication."), "error")
        return redirect(url_for("calls.index"))
    try:
        latest = load_named(call.workflow_version.name)
    except schema.InvalidWorkflow as invalid:
        return render_template("workflow/invalid.html", name=call.workflow_version.name, errors=invalid.errors), 422
    current = workflow_of_version(call.workflow_version)
    in_use = migration.call_dossier_states(call)
    mapping = {state: request.form.get(f"map-{state}") or (state if state in latest.states else "")
               for state in in_use}
    problems, form = [], FlaskForm()
    if latest.digest == call.workflow_version.digest:
        problems = [_("Le fichier n'a pas changé depuis la publication de l'appel : il n'y a rien à migrer.")]
    elif form.validate_on_submit():
        target = pin_version(latest)
        problems = migration.migration_problems(call, target, mapping)
        if not problems:
            done = migration.migrate_call(call, target, mapping, current_user)
            db.session.commit()
            flash(ngettext("%(num)d dossier suit maintenant %(version)s.",
                           "%(num)d dossiers suivent maintenant %(version)s.",
                           done.dossier_count, version=str(target)), "success")
            return redirect(url_for("calls.index"))
        db.session.rollback()
    return render_template("dossiers/migrate.html", call=call, current=current, latest=latest, in_use=in_use,
                           mapping=mapping, problems=problems, form=form), \
        400 if problems and request.method == "POST" else 200
