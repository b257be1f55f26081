"""An administrator opens a holder's unsubmitted draft for support; the opening is recorded in its history."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.core.permissions import allow, role
from aap.dossiers.access import access, grant_support
from aap.dossiers.forms import SupportForm
from aap.dossiers.models import Dossier
from aap.dossiers.operations import record_support_access
from aap.extensions import db


@allow(role("admin"))
def support(dossier_id):
    dossier = db.session.get(Dossier, dossier_id)
    rights = access(current_user, dossier) if dossier is not None else None
    if rights is None or not (rights.support_possible or rights.view):
        abort(404)
    if rights.view:
        return redirect(url_for("dossiers.show", dossier_id=dossier.id))
    form = SupportForm()
    if form.validate_on_submit():
        record_support_access(dossier, current_user, form.reason.data)
        db.session.commit()
        grant_support(dossier)
        flash(_("Brouillon ouvert pour assistance pendant une heure ; la structure voit cette ouverture dans "
                "l'historique de son dossier."), "success")
        return redirect(url_for("dossiers.show", dossier_id=dossier.id))
    return render_template("dossiers/support.html", dossier=dossier, form=form), 400 if form.errors else 200
