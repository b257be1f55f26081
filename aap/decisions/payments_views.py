"""A dossier's payments: its schedule as each reader may see it, a tranche marked paid, the schedule edited."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.core.formatting import money
from aap.core.models import utcnow
from aap.core.permissions import allow, signed_in
from aap.decisions.bank_operations import current_account
from aap.decisions.grant_models import TRIGGERS, PaymentTranche
from aap.decisions.payments_forms import PaymentForm, ScheduleForm
from aap.decisions.payments_loading import funder_names, payments_of, shown_iban
from aap.decisions.payments_operations import PaymentRefused, record_payment
from aap.decisions.payments_plan import paris_day, percent, tranches_of, trigger_day
from aap.decisions.payments_queries import schedules, state_of
from aap.decisions.payments_schedule import MAX_TRANCHES, change_schedule, schedule_refusal
from aap.extensions import db

bp = Blueprint("payments", __name__, url_prefix="/decisions")


@bp.context_processor
def _helpers():
    return {"triggers": TRIGGERS, "percent": percent, "state_of": state_of}


def payment_form(tranche_id: int, formdata=None) -> PaymentForm:
    return PaymentForm(formdata=formdata, prefix=f"tranche-{tranche_id}")


def _page(loaded, refused=None, status=200):
    """The schedule page; `refused` is the (tranche id, form) sent back with what was typed and why it failed."""
    tranches = schedules(loaded.granted)
    forms = {tranche.id: payment_form(tranche.id) for decision in loaded.granted if decision.id in loaded.rights.pays
             for tranche in _payable(decision, tranches[decision.id])}
    if refused is not None:
        forms[refused[0]] = refused[1]
    account = current_account(loaded.dossier.organisation_id)
    return render_template("decisions/payments/schedule.html", dossier=loaded.dossier, granted=loaded.granted,
                           tranches=tranches, rights=loaded.rights, forms=forms, account=account,
                           funders=funder_names(loaded.granted),
                           today=paris_day(utcnow()), iban=lambda value: shown_iban(value, loaded.rights.bank_in_full),
                           editable={decision.id: schedule_refusal(decision, tranches[decision.id]) is None
                                     for decision in loaded.granted}), status


def _payable(decision, tranches: list[PaymentTranche]) -> list[PaymentTranche]:
    """The tranches not paid yet whose trigger has happened: those a payment form is offered for."""
    happened = {trigger: trigger_day(decision, trigger) is not None for trigger in {t.trigger for t in tranches}}
    return [tranche for tranche in tranches if not tranche.settled and happened[tranche.trigger]]


@bp.get("/dossiers/<int:dossier_id>/versements")
@allow(signed_in)
def schedule(dossier_id):
    return _page(payments_of(dossier_id))


@bp.post("/dossiers/<int:dossier_id>/versements/tranches/<int:tranche_id>")
@allow(signed_in)
def pay(dossier_id, tranche_id):
    loaded = payments_of(dossier_id)
    tranche = db.session.get(PaymentTranche, tranche_id)
    if tranche is None or tranche.decision_id not in {decision.id for decision in loaded.granted}:
        abort(404)
    if tranche.decision_id not in loaded.rights.pays:
        abort(403)
    form = payment_form(tranche.id, request.form)
    if not form.validate_on_submit():
        return _page(loaded, (tranche.id, form), 400)
    try:
        paid = record_payment(tranche.id, form.typed(), current_user, utcnow())
    except PaymentRefused as refusal:
        db.session.rollback()
        (getattr(form, refusal.field).errors.append if refusal.field else form.form_errors.append)(refusal.message)
        return _page(payments_of(dossier_id), (tranche.id, form), 400 if refusal.field else 409)
    db.session.commit()
    flash(_("Versement enregistré : %(label)s, %(amount)s, le %(day)s.", label=paid.label, amount=money(paid.amount),
            day=paid.paid_on.strftime("%d/%m/%Y")), "success")
    return redirect(url_for(".schedule", dossier_id=dossier_id))


def _schedule_form(decision) -> ScheduleForm:
    """The decision's lines as saved (or as typed), and two blank lines to add tranches."""
    saved = [{"label": t.label, "share_percent": t.share_percent, "trigger": t.trigger} for t in tranches_of(decision)]
    form = ScheduleForm(data={"lines": saved} if request.method == "GET" else None)
    while len(form.lines.entries) < min(MAX_TRANCHES, len(form.planned()) + 2):
        form.lines.append_entry()
    return form


def _schedule_page(loaded, decision, form, locked=None, status=200):
    return render_template("decisions/payments/edit_schedule.html", dossier=loaded.dossier, decision=decision,
                           form=form, locked=locked), status


@bp.route("/dossiers/<int:dossier_id>/versements/<int:decision_id>/echeancier", methods=["GET", "POST"])
@allow(signed_in)
def edit_schedule(dossier_id, decision_id):
    loaded = payments_of(dossier_id)
    decision = next((decision for decision in loaded.granted if decision.id == decision_id), None)
    if decision is None:
        abort(404)
    if decision.id not in loaded.rights.pays:
        abort(403)
    form, locked = _schedule_form(decision), schedule_refusal(decision, tranches_of(decision))
    if locked is not None and request.method == "POST":
        form.form_errors.append(locked)
        return _schedule_page(loaded, decision, form, locked, 409)
    if locked is not None or not form.validate_on_submit():
        return _schedule_page(loaded, decision, form, locked, 400 if form.errors else 200)
    try:
        change_schedule(decision, form.planned(), current_user, utcnow())
    except PaymentRefused as refused:
        db.session.rollback()
        form.form_errors.append(refused.message)
        return _schedule_page(loaded, decision, form, None, 400)
    db.session.commit()
    flash(_("L'échéancier est enregistré."), "success")
    return redirect(url_for(".schedule", dossier_id=dossier_id))
