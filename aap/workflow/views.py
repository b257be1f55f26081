"""Administrators read each workflow as a diagram and as a table, file by file and pinned version by version."""
from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l

from aap.core.permissions import allow, get_or_404, role
from aap.workflow import schema
from aap.workflow.diagram import render_svg
from aap.workflow.engine import workflow_of_version
from aap.workflow.models import WorkflowVersion
from aap.workflow.operations import workflows_folder
from aap.workflow.queries import pinned_versions
from aap.workflow.registry import EVENTS, GUARD_LABELS

bp = Blueprint("workflows", __name__, url_prefix="/admin/workflows")
ROLE_NAMES = {"holder": _l("porteur·se"), "instructor": _l("instructeur·rice"), "reviewer": _l("relecteur·rice"),
              "committee": _l("comité"), "admin": _l("administrateur·rice"), "funder": _l("financeur")}
REQUIREMENT_NAMES = {"comment": _l("un commentaire"), "amount": _l("un montant"), "file": _l("un fichier")}


@bp.app_template_filter("role_label")
def role_label(name: str) -> str:
    return str(ROLE_NAMES.get(name, name))


@bp.app_template_filter("requirement_label")
def requirement_label(name: str) -> str:
    return str(REQUIREMENT_NAMES.get(name, name))


@bp.app_template_filter("guard_label")
def guard_label(name: str) -> str:
    return str(GUARD_LABELS.get(name, name))


@bp.app_template_filter("event_label")
def event_label(name: str) -> str:
    return str(EVENTS.get(name, name))


@bp.app_template_filter("duration")
def duration(delta) -> str:
    days, seconds = delta.days, delta.seconds
    if days and not seconds:
        return _l("%(n)d jours", n=days) if days > 1 else _l("1 jour")
    hours, minutes = seconds // 3600, seconds % 3600 // 60
    return f"{days * 24 + hours} h {minutes:02d}" if minutes else f"{days * 24 + hours} h"


@bp.get("")
@allow(role("admin"))
def index():
    workflows, errors = schema.load_directory(workflows_folder())
    versions = pinned_versions()
    return render_template("workflow/index.html", workflows=workflows, errors=errors, versions=versions)


@bp.get("/<name>")
@allow(role("admin"))
def show(name):
    path = workflows_folder() / f"{name}.yaml"
    if not schema.NAME.fullmatch(name) or not path.is_file():  # a name too long for a file is not asked of the disk
        abort(404)
    try:
        workflow = schema.load_file(path)
    except schema.InvalidWorkflow as invalid:
        return render_template("workflow/invalid.html", name=name, errors=invalid.errors), 422
    return render_template("workflow/show.html", workflow=workflow, diagram=render_svg(workflow), version=None)


@bp.get("/versions/<int:version_id>")
@allow(role("admin"))
def version(version_id):
    pinned = get_or_404(WorkflowVersion, version_id)
    workflow = workflow_of_version(pinned)
    return render_template("workflow/show.html", workflow=workflow, diagram=render_svg(workflow), version=pinned)
