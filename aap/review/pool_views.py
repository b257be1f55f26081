"""Staff pages of a call's review: its reviewer pools, by stakeholder group, and its conflicts of interest."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from aap.auth.models import User
from aap.calls.models import Call
from aap.core.listing import requested_sort
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, instruction_team, require, role
from aap.core.ratelimit import mail_refusal_message, mail_refused, refusal_answer
from aap.core.roles import ADMIN
from aap.dossiers.reviewers import CONFLICT_KINDS, Conflict
from aap.extensions import db
from aap.organisations.communes import commune_name
from aap.review import conflict_operations, pool_operations
from aap.review.conflict_queries import call_conflicts, submitted_dossier
from aap.review.group_names import group_labels
from aap.review.models import PoolMember
from aap.review.pool_forms import AddMemberForm, MemberForm, ReasonForm, RecordConflictForm, RemoveMemberForm
from aap.review.pool_queries import MEMBER_SORTS, call_readers, pool_members
from aap.review.reviewer_views import bp


def _pool_page(call, form, status=200, headers=None):
    args = request.args
    sort, descending = requested_sort(args, MEMBER_SORTS, "name", descending=False)
    group = args.get("groupe", "") if args.get("groupe") in group_labels() else ""
    members = pool_members(call, group=group, search=args.get("q", ""), sort=sort, descending=descending)
    return render_template("review/pool.html", call=call, form=form, members=members, groups=group_labels(),
                           sort=sort, descending=descending, commune_name=commune_name,
                           strands={strand.id: strand.name for strand in call.strands}), status, headers or {}


@bp.route("/instruction/appels/<int:call_id>/relecteurs", methods=["GET", "POST"])
@allow(instruction_team)
def pool(call_id):
    call = get_or_404(Call, call_id)
    if request.method == "GET":
        return _pool_page(call, AddMemberForm())
    return _add_member(call)


def _add_member(call):
    form = AddMemberForm()
    if not form.validate_on_submit():
        return _pool_page(call, form, 400)
    refusal = mail_refused(form.email.data, sender=f"user:{current_user.id}")
    if refusal is not None:
        form.email.errors = [*form.email.errors, mail_refusal_message(refusal)]
        status, headers = refusal_answer(refusal)
        return _pool_page(call, form, status, headers)
    try:
        pool_operations.add_member(call, form.email.data, form.group.data, form.cap.data, current_user)
    except pool_operations.PoolRefused as refusal:
        db.session.rollback()
        form.email.errors = [*form.email.errors, str(refusal)]
        return _pool_page(call, form, 400)
    db.session.commit()
    flash(_("Invitation envoyée à %(email)s, ajouté·e au groupe « %(group)s ».", email=form.email.data,
            group=group_labels()[form.group.data]), "success")
    return redirect(url_for("reviewers.pool", call_id=call.id))


def _member(call_id, member_id) -> PoolMember:
    get_or_404(Call, call_id)
    member = db.session.get(PoolMember, member_id)
    if member is None or member.call_id != call_id:
        abort(404)
    return member


@bp.route("/instruction/appels/<int:call_id>/relecteurs/<int:member_id>", methods=["GET", "POST"])
@allow(instruction_team)
def member(call_id, member_id):
    member = _member(call_id, member_id)
    form = MemberForm(obj=member)
    if form.validate_on_submit():
        pool_operations.update_member(member, form.group.data, form.cap.data)
        db.session.commit()
        flash(_("Les réglages de %(name)s sont enregistrés.", name=member.user.display_name), "success")
        return redirect(url_for("reviewers.pool", call_id=call_id))
    return render_template("review/member.html", member=member, call=member.call, form=form,
                           remove_form=RemoveMemberForm(), groups=group_labels()), 400 if form.errors else 200


@bp.post("/instruction/appels/<int:call_id>/relecteurs/<int:member_id>/retirer")
@allow(instruction_team)
def remove_member(call_id, member_id):
    member = _member(call_id, member_id)
    if not RemoveMemberForm().validate_on_submit():
        abort(400)
    name = member.user.display_name
    removed = pool_operations.remove_member(member, current_user, utcnow())
    db.session.commit()
    flash(_("%(name)s ne relit plus cet appel.", name=name) + " " + ngettext(
        "%(num)d relecture à faire a été déclinée ; ses avis soumis sont gardés.",
        "%(num)d relectures à faire ont été déclinées ; ses avis soumis sont gardés.", removed["declined"]),
        "success")
    return redirect(url_for("reviewers.pool", call_id=call_id))


def _record_form(call) -> RecordConflictForm:
    form = RecordConflictForm()
    form.user_id.choices = [(person.id, f"{person.display_name} ({person.email})") for person in call_readers(call)]
    return form


def _conflicts_page(call, form, status=200):
    return render_template("review/call_conflicts.html", call=call, form=form, kinds=CONFLICT_KINDS,
                           conflicts=call_conflicts(call, request.args.get("q", "")),
                           commune_name=commune_name), status


@bp.route("/instruction/appels/<int:call_id>/conflits", methods=["GET", "POST"])
@allow(instruction_team)
def call_conflicts_page(call_id):
    """Staff read the call's conflicts; administrators record one for a person."""
    call = get_or_404(Call, call_id)
    if request.method == "GET":
        return _conflicts_page(call, _record_form(call))
    require(current_user.is_admin)
    return _record_conflict(call)


def _record_conflict(call):
    form = _record_form(call)
    if not form.validate_on_submit():
        return _conflicts_page(call, form, 400)
    dossier = submitted_dossier(call, form.reference.data)
    if dossier is None:
        form.reference.errors = [_("Aucun dossier déposé de cet appel ne porte cette référence.")]
        return _conflicts_page(call, form, 400)
    person = db.session.get(User, form.user_id.data)
    try:
        conflict_operations.declare(dossier, person, form.kind.data, form.details.data or "", current_user,
                                     utcnow())
    except conflict_operations.ConflictRefused as refusal:
        db.session.rollback()
        form.reference.errors = [str(refusal)]
        return _conflicts_page(call, form, 400)
    db.session.commit()
    flash(_("Conflit d'intérêts enregistré pour %(name)s sur le dossier %(reference)s.",
            name=person.display_name, reference=dossier.reference), "success")
    return redirect(url_for("reviewers.call_conflicts_page", call_id=call.id))


@bp.route("/instruction/appels/<int:call_id>/conflits/<int:conflict_id>/retirer", methods=["GET", "POST"])
@allow(role(ADMIN))
def remove_conflict(call_id, conflict_id):
    call = get_or_404(Call, call_id)
    conflict = db.session.get(Conflict, conflict_id)
    if conflict is None or conflict.dossier.call_id != call.id:
        abort(404)
    form = ReasonForm()
    if form.validate_on_submit():
        conflict_operations.remove(conflict, current_user, form.reason.data, utcnow())
        db.session.commit()
        flash(_("Le conflit d'intérêts est retiré. Une relecture déclinée à cause de lui le reste : attribuez le "
                "dossier à nouveau si besoin."), "success")
        return redirect(url_for("reviewers.call_conflicts_page", call_id=call.id))
    return render_template("review/remove_conflict.html", call=call, conflict=conflict, form=form,
                           kinds=CONFLICT_KINDS), 400 if form.errors else 200
