"""The staff's assignment page of a call: run the automatic assignment, preview, adjust, confirm, assign by hand."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from aap.calls.models import Call
from aap.core import ratelimit
from aap.core.inputs import ActionForm, database_int, sent_by_button
from aap.core.permissions import allow, get_or_404, instruction_team
from aap.dossiers.models import Dossier
from aap.dossiers.reviewers import ASSIGNMENT_STATES, Assignment
from aap.extensions import db
from aap.review import assignment_operations as operations
from aap.review.assignment_forms import ConfirmForm, PairButton, PairForm
from aap.review.assignment_page import preview, translated
from aap.review.assignment_runs import RUN_STATES, AssignmentRun

bp = Blueprint("assignment", __name__, url_prefix="/instruction/appels/<int:call_id>/affectation")
#: seconds between two automatic reloads of the page while a run is computed
REFRESH_SECONDS = 3


def _page(call_id: int):
    return redirect(url_for("assignment.page", call_id=call_id), code=303)


def _id(value) -> int | None:
    try:
        return database_int(str(value))
    except ValueError:
        return None


def _pair_form(page_data=None, prefix="") -> PairForm:
    form = PairForm(prefix=prefix)
    if page_data is not None:
        choose = [(0, _("— Choisir —"))]
        form.reviewer.choices = choose + [(m.user_id, m.user.display_name) for m in page_data.pool]
        form.dossier.choices = choose + [(d.id, page_data.dossier_label(d)) for d in page_data.dossiers]
    return form


@bp.get("")
@allow(instruction_team)
def page(call_id):
    call = get_or_404(Call, call_id)
    data = preview(call)
    auto = request.args.get("auto") != "0"
    response = render_template("review/assignment.html", call=call, data=data, auto=auto,
                               refresh_seconds=REFRESH_SECONDS, button=PairButton(), action_form=ActionForm(),
                               confirm_form=ConfirmForm(edits=data.run.edits if data.run else 0),
                               add_form=_pair_form(data, "proposed"), assign_form=_pair_form(data, "manual"),
                               run_states=RUN_STATES, assignment_states=ASSIGNMENT_STATES, translated=translated)
    headers = {"Refresh": str(REFRESH_SECONDS)} if data.run is not None and data.run.pending and auto else {}
    return response, 200, headers


def _limited() -> bool:
    """Each assignment or confirmation mails reviewers: one person's pace is bounded; True when refused."""
    refusal = ratelimit.refused(ratelimit.take, "ASSIGNMENT_LIMIT", f"user:{current_user.id}")
    if refusal is not None:
        flash(ratelimit.mail_refusal_message(refusal), "error")
    return refusal is not None


def _commit_or_flash(operation, success: str | None = None) -> bool:
    """Apply one operation and commit; a refusal rolls everything back and says why."""
    try:
        result = operation()
        db.session.commit()
    except operations.Refused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return False
    except IntegrityError:  # a concurrent request created the same assignment first
        db.session.rollback()
        flash(_("Une autre personne vient de modifier ces affectations : rien n'a été appliqué, relisez la page."),
              "error")
        return False
    if success:
        flash(success(result) if callable(success) else success, "success")
    return True


@bp.post("/lancer")
@allow(instruction_team)
def run(call_id):
    call = get_or_404(Call, call_id)
    sent_by_button(ActionForm())
    _commit_or_flash(lambda: operations.request_run(call, current_user),
                     _("Affectation automatique demandée : le calcul se fait en arrière-plan, cette page se met à "
                       "jour toute seule."))
    return _page(call_id)


def _run_of(call_id: int, run_id: int) -> tuple[Call, AssignmentRun]:
    call = get_or_404(Call, call_id)
    run = db.session.get(AssignmentRun, run_id)
    if run is None or run.call_id != call.id:
        abort(404)
    return call, run


def _dossier_of(call: Call, dossier_id) -> Dossier:
    dossier = db.session.get(Dossier, dossier_id) if dossier_id else None
    if dossier is None or dossier.call_id != call.id:
        abort(404)
    return dossier


def _button() -> tuple[int, int]:
    form = sent_by_button(PairButton())
    reviewer, dossier = _id(form.reviewer.data), _id(form.dossier.data)
    if reviewer is None or dossier is None:
        abort(400)
    return reviewer, dossier


@bp.post("/propositions/<int:run_id>/retirer")
@allow(instruction_team)
def remove_proposed(call_id, run_id):
    call, run = _run_of(call_id, run_id)
    reviewer, dossier_id = _button()
    dossier = _dossier_of(call, dossier_id)
    _commit_or_flash(lambda: operations.remove_proposed(run, reviewer, dossier.id),
                     _("Affectation retirée de la proposition."))
    return _page(call_id)


def _chosen_pair(call: Call, prefix: str) -> tuple[int | None, Dossier | None]:
    """The pair chosen in the two lists, checked against the call by the operation, not against the lists."""
    form = PairForm(prefix=prefix)
    if form.validate_on_submit():
        reviewer, dossier_id = _id(form.reviewer.data), _id(form.dossier.data)
        if reviewer and dossier_id:
            return reviewer, _dossier_of(call, dossier_id)
    elif "csrf_token" in form.errors:
        abort(400)
    flash(_("Choisissez un·e relecteur·rice et un dossier dans les listes."), "error")
    return None, None


@bp.post("/propositions/<int:run_id>/ajouter")
@allow(instruction_team)
def add_proposed(call_id, run_id):
    call, run = _run_of(call_id, run_id)
    reviewer, dossier = _chosen_pair(call, "proposed")
    if dossier is not None:
        _commit_or_flash(lambda: operations.add_proposed(run, call, reviewer, dossier),
                         _("Affectation ajoutée à la proposition."))
    return _page(call_id)


@bp.post("/propositions/<int:run_id>/confirmer")
@allow(instruction_team)
def confirm(call_id, run_id):
    call, run = _run_of(call_id, run_id)
    form = sent_by_button(ConfirmForm())
    if _limited():
        return _page(call_id)
    _commit_or_flash(lambda: operations.confirm(run, call, current_user, form.edits.data),
                     lambda created: ngettext("%(num)d affectation créée ; chaque relecteur·rice est prévenu·e.",
                                              "%(num)d affectations créées ; chaque relecteur·rice est prévenu·e.",
                                              len(created)))
    return _page(call_id)


@bp.post("/affecter")
@allow(instruction_team)
def assign(call_id):
    call = get_or_404(Call, call_id)
    reviewer, dossier = _chosen_pair(call, "manual")
    if dossier is not None and not _limited():
        _commit_or_flash(lambda: operations.assign_by_hand(call, dossier, reviewer, current_user),
                         _("Affectation créée ; la personne est prévenue."))
    return _page(call_id)


@bp.post("/affectations/<int:assignment_id>/retirer")
@allow(instruction_team)
def remove_assignment(call_id, assignment_id):
    call = get_or_404(Call, call_id)
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.dossier.call_id != call.id:
        abort(404)
    sent_by_button(ActionForm())
    _commit_or_flash(lambda: operations.remove_assignment(call, assignment), _("Affectation retirée."))
    return _page(call_id)
