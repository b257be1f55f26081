"""The organisation's bank details, reached from a granted dossier: typed by its holder, read by the staff."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.core.models import utcnow
from aap.core.permissions import allow, signed_in
from aap.decisions.bank_checks import BankDetailsRefused
from aap.decisions.bank_forms import BankDetailsForm
from aap.decisions.bank_operations import current_account, history, record_bank_details
from aap.decisions.payments_loading import payments_of, shown_iban
from aap.extensions import db

bp = Blueprint("bank", __name__, url_prefix="/decisions")


def _page(loaded, form, status=200):
    account = current_account(loaded.dossier.organisation_id)
    return render_template("decisions/payments/bank.html", dossier=loaded.dossier, rights=loaded.rights,
                           account=account, accounts=history(loaded.dossier.organisation_id), form=form,
                           iban=lambda value: shown_iban(value, loaded.rights.bank_in_full)), status


@bp.route("/dossiers/<int:dossier_id>/coordonnees-bancaires", methods=["GET", "POST"])
@allow(signed_in)
def details(dossier_id):
    loaded = payments_of(dossier_id, "bank_page")
    if request.method == "POST" and not loaded.rights.enter_bank:
        abort(403)
    account = current_account(loaded.dossier.organisation_id)
    prefill = {"holder_name": account.holder_name, "iban": account.iban, "bic": account.bic} \
        if account is not None and loaded.rights.bank_in_full else {"holder_name": loaded.dossier.organisation.name}
    form = BankDetailsForm(data=None if request.method == "POST" else prefill) if loaded.rights.enter_bank else None
    if form is None or not form.validate_on_submit():
        return _page(loaded, form, 400 if form is not None and form.errors else 200)
    try:
        record_bank_details(loaded.dossier, form.typed(), current_user, utcnow())
    except BankDetailsRefused as refusal:
        db.session.rollback()
        form.refuse(refusal)
        return _page(loaded, form, 400)
    db.session.commit()
    flash(_("Les coordonnées bancaires sont enregistrées : les prochains versements iront sur ce compte."), "success")
    return redirect(url_for(".details", dossier_id=dossier_id))
