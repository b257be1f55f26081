"""A holder starts a dossier: on an open call, for one of their organisations that the call accepts."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from aap.calls.eligibility import eligibility_problems
from aap.calls.models import Call
from aap.core.formatting import PARIS
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, signed_in
from aap.dossiers.operations import start_dossier
from aap.dossiers.overdue import overdue_by_organisation
from aap.extensions import db
from aap.organisations.queries import organisations_of

bp = Blueprint("dossier_start", __name__, url_prefix="/appels")


@bp.route("/<int:call_id>/deposer", methods=["GET", "POST"])
@allow(signed_in)
def start(call_id):
    """The first step of applying: choosing the organisation, checked against the call's eligibility rules."""
    call = get_or_404(Call, call_id)
    organisations = organisations_of(current_user)
    if not call.is_open(utcnow()):
        flash(_("Cet appel n'accepte pas de dossier en ce moment : la période de dépôt est close ou pas encore "
                "ouverte."), "error")
        return redirect(url_for("public_calls.show", call_id=call.id))
    checks = {o.id: eligibility_problems(call, o, utcnow().astimezone(PARIS).date()) for o in organisations}
    form, chosen, status = FlaskForm(), None, 200
    if form.validate_on_submit():
        chosen = next((o for o in organisations if str(o.id) == request.form.get("organisation")), None)
        if chosen is None:
            form.form_errors.append(_("Choisissez la structure au nom de laquelle vous déposez le dossier."))
            status = 400
        elif checks[chosen.id]:
            form.form_errors.extend(checks[chosen.id])
            status = 400
        else:
            dossier = start_dossier(call, chosen, current_user)
            db.session.commit()
            flash(_("Votre dossier est créé en brouillon : complétez-le et enregistrez-le autant de fois que "
                    "nécessaire."),
                  "success")
            return redirect(url_for("dossiers.edit", dossier_id=dossier.id))
    late = overdue_by_organisation(o.id for o in organisations)
    return render_template("dossiers/start.html", call=call, organisations=organisations, checks=checks, form=form,
                           chosen=chosen, overdue=[report for o in organisations for report in late.get(o.id, [])]), \
        status
