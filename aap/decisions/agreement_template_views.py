"""A call's agreement template, edited by administrators: the values it may use beside it, a preview on a sample,
and every saved version kept."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.calls.models import Call
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, role
from aap.decisions import agreement_templates as templates
from aap.decisions.agreement_forms import TemplateForm
from aap.decisions.agreement_values import CATALOGUE, SAMPLE
from aap.decisions.templating import FILTERS, TemplateRefused, check, markdown_html, render
from aap.extensions import db

bp = Blueprint("agreement_templates", __name__, url_prefix="/admin/appels/<int:call_id>/convention")


def _page(call: Call, form: TemplateForm, preview=None, status: int = 200):
    current = templates.in_use(call.id)
    return render_template("decisions/agreements/template_editor.html", call=call, form=form, current=current,
                           versions=templates.versions(call.id), catalogue=CATALOGUE, filters=FILTERS,
                           preview=preview), status


def _preview(source: str):
    """The text the sample makes, or None when the template cannot make one."""
    try:
        return markdown_html(render(source, SAMPLE))
    except TemplateRefused:
        return None


@bp.route("", methods=["GET", "POST"])
@allow(role("admin"))
def editor(call_id):
    call = get_or_404(Call, call_id, "manage")
    if request.method == "GET":
        form = TemplateForm(data={"source": templates.in_use(call.id).source})
        return _page(call, form, preview=_preview(form.source.data))
    form = TemplateForm()
    if not form.validate_on_submit():
        return _page(call, form, status=400)
    source = templates.normalised(form.source.data)
    try:
        if request.form.get("apercu"):
            check(source, CATALOGUE, SAMPLE)
            flash(_("Aperçu avec les valeurs d'exemple : rien n'est encore enregistré."), "info")
            return _page(call, form, preview=_preview(source))
        saved = templates.save_template(call, source, current_user, utcnow())
    except TemplateRefused as refusal:
        db.session.rollback()
        form.source.errors = [*form.source.errors, *refusal.problems]
        return _page(call, form, status=400)
    db.session.commit()
    if saved is None:
        flash(_("Le texte n'a pas changé : aucune nouvelle version n'est enregistrée."), "info")
    else:
        flash(_("Le modèle de convention est enregistré (version %(n)d). Les conventions déjà générées gardent le "
                "texte de leur version.", n=saved.version), "success")
    return redirect(url_for("agreement_templates.editor", call_id=call.id))


@bp.get("/versions/<int:version>")
@allow(role("admin"))
def version(call_id, version):
    call = get_or_404(Call, call_id, "manage")
    row = templates.version_of(call.id, version)
    if row is None:
        abort(404)
    return render_template("decisions/agreements/template_version.html", call=call, row=row,
                           latest=templates.latest(call.id))
