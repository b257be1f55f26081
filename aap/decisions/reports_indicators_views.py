"""The call's own indicators that every final report asks for, besides jobs created and beneficiaries."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from aap.calls.models import Call
from aap.core.permissions import allow, get_or_404, role
from aap.core.roles import ADMIN
from aap.decisions.reports_forms import IndicatorsForm
from aap.decisions.reports_operations import set_report_indicators
from aap.extensions import db

bp = Blueprint("report_indicators", __name__, url_prefix="/admin/appels")


@bp.route("/<int:call_id>/indicateurs-compte-rendu", methods=["GET", "POST"])
@allow(role(ADMIN))
def edit(call_id):
    call = get_or_404(Call, call_id, "manage")
    form = IndicatorsForm(data={"labels": "\n".join(item["label"] for item in call.report_indicators)})
    if form.validate_on_submit():
        set_report_indicators(call, form.indicators())
        db.session.commit()
        flash(_("Les indicateurs du compte-rendu financier de l'appel sont enregistrés."), "success")
        return redirect(url_for("report_indicators.edit", call_id=call.id))
    return render_template("decisions/reports/indicators.html", call=call, form=form), 400 if form.errors else 200
