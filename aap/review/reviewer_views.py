"""A reviewer's own pages: « Mes relectures », declining an assignment, preferences, conflicts of interest."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.calls.models import Call
from aap.core.listing import requested_page, requested_sort
from aap.core.models import utcnow
from aap.core.permissions import allow, role
from aap.core.roles import COMMITTEE, REVIEWER
from aap.dossiers.models import Dossier
from aap.dossiers.reviewers import ASSIGNED, ASSIGNMENT_STATES, CONFLICT_KINDS, Assignment
from aap.extensions import db
from aap.organisations.communes import commune_name
from aap.review import conflict_operations, pool_operations
from aap.review.conflict_queries import DOSSIER_SORTS, conflicts_of, submitted_dossiers
from aap.review.group_names import group_labels
from aap.review.pool_forms import ConflictForm, PreferencesForm, ReasonForm
from aap.review.pool_queries import member_of, my_assignments, my_pools, reading_calls
from aap.review.reviewer_operations import AssignmentRefused, decline

bp = Blueprint("reviewers", __name__)
reader = role(REVIEWER, COMMITTEE)


@bp.get("/relectures")
@allow(reader)
def mine():
    state = request.args.get("etat", "")
    assignments = my_assignments(current_user, state if state in ASSIGNMENT_STATES else "")
    return render_template("review/mine.html", assignments=assignments, pools=my_pools(current_user),
                           calls=reading_calls(current_user), now=utcnow(), states=ASSIGNMENT_STATES,
                           groups=group_labels(), ASSIGNED=ASSIGNED)


@bp.route("/relectures/<int:assignment_id>/decliner", methods=["GET", "POST"])
@allow(role(REVIEWER))
def decline_assignment(assignment_id):
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.user_id != current_user.id:
        abort(404)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            decline(assignment, current_user, form.reason.data, utcnow())
        except AssignmentRefused as refusal:
            form.reason.errors = [*form.reason.errors, str(refusal)]
        else:
            db.session.commit()
            flash(_("Relecture déclinée. L'équipe d'instruction est prévenue."), "success")
            return redirect(url_for("reviewers.mine"))
    return render_template("review/decline.html", form=form, assignment=assignment), 400 if form.errors else 200


def _my_membership(call_id):
    member = member_of(call_id, current_user.id)
    if member is None:
        abort(404)
    return member


@bp.route("/relectures/appels/<int:call_id>/preferences", methods=["GET", "POST"])
@allow(role(REVIEWER))
def preferences(call_id):
    member = _my_membership(call_id)
    form = PreferencesForm(call=member.call, data=None if request.method == "POST" else {
        "strand_ids": member.strand_ids, "communes": member.non_neutral_communes, "cap": member.cap})
    if form.validate_on_submit():
        pool_operations.save_preferences(member, form.strand_ids.data, form.communes.data, form.cap.data)
        db.session.commit()
        flash(_("Vos préférences sont enregistrées."), "success")
        return redirect(url_for("reviewers.preferences", call_id=call_id))
    return render_template("review/preferences.html", form=form, member=member, call=member.call,
                           groups=group_labels()), 400 if form.errors else 200


def _reading_call(call_id) -> Call:
    """A call the person reviews or sits the committee of; any other is unknown to them."""
    if not any(current_user.has_role(name, call_id) for name in (REVIEWER, COMMITTEE)):
        abort(404)
    return db.get_or_404(Call, call_id)


@bp.get("/relectures/appels/<int:call_id>/conflits")
@allow(reader)
def conflicts(call_id):
    call = _reading_call(call_id)
    args = request.args
    sort, descending = requested_sort(args, DOSSIER_SORTS, "reference", descending=False)
    page = submitted_dossiers(call, search=args.get("q", ""), sort=sort, descending=descending,
                              page=requested_page(args))
    return render_template("review/conflicts.html", call=call, page=page, declared=conflicts_of(current_user, call),
                           kinds=CONFLICT_KINDS, commune_name=commune_name, sort=sort, descending=descending)


@bp.route("/relectures/appels/<int:call_id>/conflits/<int:dossier_id>", methods=["GET", "POST"])
@allow(reader)
def declare_conflict(call_id, dossier_id):
    call = _reading_call(call_id)
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or dossier.call_id != call.id or dossier.reference is None:
        abort(404)
    form = ConflictForm()
    already = conflicts_of(current_user, call).get(dossier.id)
    if already is None and form.validate_on_submit():
        try:
            conflict_operations.declare(dossier, current_user, form.kind.data, form.details.data or "",
                                         current_user, utcnow())
        except conflict_operations.ConflictRefused as refusal:  # declared meanwhile from another tab
            db.session.rollback()
            flash(str(refusal), "error")
            return redirect(url_for("reviewers.conflicts", call_id=call.id))
        db.session.commit()
        flash(_("Votre conflit d'intérêts est enregistré pour le dossier %(reference)s : vous êtes déporté·e "
                "pour ce dossier.", reference=dossier.reference), "success")
        return redirect(url_for("reviewers.conflicts", call_id=call.id))
    status = 400 if form.errors or (already is not None and request.method == "POST") else 200
    return render_template("review/declare_conflict.html", call=call, dossier=dossier, form=form, already=already,
                           kinds=CONFLICT_KINDS, commune_name=commune_name), status
