"""The decisions of a call: the board of one funder, one dossier's decision, withdrawing a staged one, the release."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from aap.calls.models import Call
from aap.core.exports import csv_response, xlsx_response
from aap.core.inputs import ActionForm, database_int, sent_by_button
from aap.core.listing import page_of, past_the_end, requested_page, requested_sort
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, signed_in
from aap.decisions import envelopes, operations
from aap.decisions.access import (
    call_funders,
    decider_of,
    decides_on_call,
    grant_access,
    manages_funders,
    sees_call_decisions,
    sees_every_funder,
)
from aap.decisions.deciding import ceiling, current_decision, deciding_refusal, deciding_states
from aap.decisions.exports import HEADER, decision_lines, decisions_of_call
from aap.decisions.forms import DecisionForm, ReleaseForm
from aap.decisions.models import INSTRUMENTS, OUTCOMES, Decision, Funder, funder_label
from aap.decisions.prefill import prefilled
from aap.decisions.queries import RELEASED, SORTS, STAGED, TO_DECIDE, board_rows, closed_sessions, sort_rows
from aap.decisions.release import release
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow.engine import workflow_of_version

bp = Blueprint("decisions", __name__, url_prefix="/decisions")
PER_PAGE = 50
STATUSES = {TO_DECIDE: _l("À décider"), STAGED: _l("Préparées"), RELEASED: _l("Publiées")}


def chosen_funder(call: Call) -> Funder | None:
    """The funder of `?financeur=`: None for the authority; an unknown one is not found."""
    text = request.args.get("financeur", "")
    if not text:
        return None
    try:
        funder = db.session.get(Funder, database_int(text))
    except ValueError:
        funder = None
    if funder is None or funder.call_id != call.id:
        abort(404)
    return funder


def funder_args(funder: Funder | None) -> dict:
    return {"financeur": funder.id} if funder is not None else {}


def _call_for_decisions(call_id: int) -> Call:
    call = get_or_404(Call, call_id)
    if not sees_call_decisions(current_user, call):
        abort(404)
    return call


def _exported(call: Call):
    seated = {funder.id for funder in call_funders(call) if decider_of(current_user, funder)}
    visible = None if sees_every_funder(current_user, call) else seated | (
        {None} if decides_on_call(current_user, call, None) else set())
    authority = funder_label(call, start=True)
    return decision_lines(call, decisions_of_call(call, visible), authority)


@bp.get("/appels/<int:call_id>/decisions.csv")
@allow(signed_in)
def export_csv(call_id):
    call = _call_for_decisions(call_id)
    return csv_response(f"decisions-appel-{call.id}.csv", HEADER, _exported(call))


@bp.get("/appels/<int:call_id>/decisions.xlsx")
@allow(signed_in)
def export_xlsx(call_id):
    call = _call_for_decisions(call_id)
    return xlsx_response(f"decisions-appel-{call.id}.xlsx", [("Décisions", HEADER, _exported(call))])


def _board_call(call_id: int):
    """The call and the funder of the board, or where a co-funder's decider belongs."""
    call = _call_for_decisions(call_id)
    funder = chosen_funder(call)
    if call.workflow_version is None:
        abort(404)
    if not (sees_every_funder(current_user, call) or decides_on_call(current_user, call, funder)):
        seated = [other for other in call_funders(call) if decider_of(current_user, other)]
        if funder is None and seated:  # a co-funder's decider lands on their own funder's decisions
            return call, funder, redirect(url_for(".board", call_id=call.id, financeur=seated[0].id))
        abort(404)
    return call, funder, None


@bp.get("/appels/<int:call_id>")
@allow(signed_in)
def board(call_id):
    call, funder, elsewhere = _board_call(call_id)
    if elsewhere is not None:
        return elsewhere
    funder_id = funder.id if funder else None
    deciding = deciding_states(workflow_of_version(call.workflow_version), cofunder=funder is not None)
    status = request.args.get("etat") if request.args.get("etat") in STATUSES else None
    sort, descending = requested_sort(request.args, SORTS, "reference", descending=False)
    rows = board_rows(call.id, funder_id, deciding, status, request.args.get("volet", type=database_int))
    page = page_of(sort_rows(rows, sort, descending), requested_page(request.args), PER_PAGE)
    staged = operations.staged_decisions(call.id, funder_id)
    may_decide = decides_on_call(current_user, call, funder)
    return render_template("decisions/board.html", call=call, funder=funder, funders=call_funders(call), page=page,
                           notice=past_the_end(page), sort=sort, descending=descending, statuses=STATUSES,
                           outcomes=OUTCOMES, instruments=INSTRUMENTS, envelopes=envelopes.envelopes(call, funder),
                           staged_count=len(staged), may_decide=may_decide,
                           may_manage=manages_funders(current_user, call), args=funder_args(funder),
                           strand_options=[(strand.id, strand.name) for strand in call.strands],
                           sessions=closed_sessions(call) if funder is None and may_decide else [])


def _decision_page(dossier, funder, form, status=200):
    existing = current_decision(dossier.id, funder)
    limit, why = ceiling(dossier, funder, excluding=existing.id if existing and not existing.released else None)
    return render_template("decisions/decide.html", dossier=dossier, call=dossier.call, funder=funder, form=form,
                           existing=existing, refusal=deciding_refusal(dossier, funder), limit=limit, why=why,
                           outcomes=OUTCOMES,
                           envelopes=envelopes.envelopes(dossier.call, funder), args=funder_args(funder),
                           withdraw=ActionForm()), status


@bp.route("/dossiers/<int:dossier_id>", methods=["GET", "POST"])
@allow(signed_in)
def decide(dossier_id):
    dossier = get_or_404(Dossier, dossier_id)
    funder = chosen_funder(dossier.call)
    if not grant_access(current_user, dossier, funder).decide:
        abort(404)
    form = DecisionForm(data=prefilled(dossier, funder) if request.method == "GET" else None)
    if request.method == "GET" or not form.validate_on_submit():
        form.process_errors_in_french()
        return _decision_page(dossier, funder, form, 400 if form.errors else 200)
    try:
        decision = operations.stage(dossier, funder, form.plain(), current_user, utcnow())
    except operations.DecisionRefused as refused:
        db.session.rollback()
        if refused.field and refused.field in form:
            form[refused.field].errors = [refused.message]
        else:
            flash(refused.message, "error")
        return _decision_page(dossier, funder, form, 409 if not refused.field else 400)
    db.session.commit()
    flash(_("La décision « %(outcome)s » sur %(reference)s est préparée. Le porteur n'en saura rien avant sa "
            "publication.", outcome=OUTCOMES[decision.outcome], reference=dossier.reference), "success")
    return redirect(url_for(".board", call_id=dossier.call_id, **funder_args(funder)))


@bp.post("/<int:decision_id>/retirer")
@allow(signed_in)
def withdraw(decision_id):
    decision = db.session.get(Decision, decision_id)
    if decision is None or not grant_access(current_user, decision.dossier, decision.funder).decide:
        abort(404)
    sent_by_button(ActionForm())
    call_id, funder = decision.dossier.call_id, decision.funder
    try:
        operations.withdraw_staged(decision)
    except operations.DecisionRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for(".board", call_id=call_id, **funder_args(funder)))
    db.session.commit()
    flash(_("La décision préparée est retirée : son montant revient à l'enveloppe."), "success")
    return redirect(url_for(".board", call_id=call_id, **funder_args(funder)))


@bp.route("/appels/<int:call_id>/publier", methods=["GET", "POST"])
@allow(signed_in)
def publish(call_id):
    call = _call_for_decisions(call_id)
    funder = chosen_funder(call)
    if not decides_on_call(current_user, call, funder):
        abort(404)
    form = ReleaseForm()
    staged = operations.staged_decisions(call.id, funder.id if funder else None)
    if request.method == "GET" or not form.validate_on_submit() or not form.confirm.data:
        if request.method == "POST":
            form.confirm.errors = [_("Cochez la case pour confirmer la publication.")]
        return render_template("decisions/publish.html", call=call, funder=funder, form=form, staged=staged,
                               outcomes=OUTCOMES, instruments=INSTRUMENTS,
                               args=funder_args(funder)), 400 if form.errors else 200
    done = release(call, funder, current_user, utcnow())
    db.session.commit()
    if done.decisions:
        flash(ngettext("%(num)d décision publiée : le porteur est prévenu.",
                       "%(num)d décisions publiées : chaque porteur est prévenu.", len(done.decisions)), "success")
    for message in done.refused:
        flash(_("Restée préparée : %(reason)s", reason=message), "error")
    if not done.decisions and not done.refused:
        flash(_("Aucune décision préparée à publier : rien n'a été fait."), "info")
    return redirect(url_for(".board", call_id=call.id, **funder_args(funder)))
