"""Open calls for everyone, and the first step of applying: choosing the organisation."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from aap.calls.eligibility import eligibility_problems
from aap.calls.models import Call
from aap.calls.queries import public_calls
from aap.core.formatting import PARIS
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, public, signed_in
from aap.extensions import db
from aap.organisations.models import Membership, Organisation
from aap.workflow.operations import start_dossier

bp = Blueprint("public_calls", __name__, url_prefix="/appels")


@bp.app_template_filter("time_left")
def time_left(moment) -> str:
    from babel.dates import format_timedelta
    from flask_babel import get_locale

    delta = moment - utcnow()
    if delta.total_seconds() <= 0:
        return _("clos")
    return format_timedelta(delta, add_direction=True, threshold=1.5, locale=str(get_locale()))


@bp.get("")
@allow(public)
def index():
    return render_template("calls/public_index.html", groups=public_calls(), now=utcnow())


@bp.get("/<int:call_id>")
@allow(public)
def show(call_id):
    call = get_or_404(Call, call_id)
    return render_template("calls/public_show.html", call=call, now=utcnow())


def _my_organisations():
    return db.session.execute(db.select(Organisation).join(Membership).where(Membership.user_id == current_user.id)
                              .order_by(Organisation.name)).scalars().all()


@bp.route("/<int:call_id>/deposer", methods=["GET", "POST"])
@allow(signed_in)
def apply(call_id):
    call = get_or_404(Call, call_id)
    organisations = _my_organisations()
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
            flash(_("Votre dossier est créé en brouillon : complétez-le et enregistrez-le autant de fois que nécessaire."),
                  "success")
            return redirect(url_for("dossiers.edit", dossier_id=dossier.id))
    return render_template("calls/apply.html", call=call, organisations=organisations, checks=checks, form=form,
                           chosen=chosen), status
