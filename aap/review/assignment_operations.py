"""Every write of the assignment of reviewers: runs, changes by hand, confirmation, manual assignments. None commits."""
from collections import defaultdict
from datetime import timedelta

from flask_babel import gettext as _

from aap.calls.models import Call
from aap.core.models import utcnow
from aap.core.queue import enqueue_after_commit
from aap.core.urls import external_url
from aap.dossiers.reviewers import ASSIGNED, DECLINED, Assignment, Conflict
from aap.extensions import db
from aap.notifications.operations import notify
from aap.review import assignment as solver
from aap.review.assignment_queries import Inputs, inputs_of, latest_run, under_review_condition
from aap.review.assignment_runs import DONE, FAILED, PENDING_STATES, QUEUED, AssignmentRun
from aap.review.assignment_tasks import run_assignment
from aap.review.models import SUBMITTED, PoolMember, Review

#: a run queued or running for longer than this was lost with its worker: a new one may be asked for
ABANDONED_AFTER = timedelta(minutes=15)


class Refused(Exception):
    """A change refused, with the French reason shown to the staff; nothing was written."""


def _lock_call(call: Call) -> Call:
    """One writer at a time per call (SQLite already serialises every writing transaction)."""
    return db.session.execute(db.select(Call).where(Call.id == call.id).with_for_update()).scalar_one()


def request_run(call: Call, user) -> AssignmentRun:
    """Queue an automatic assignment of the call; refused while another one is queued or running."""
    _lock_call(call)
    for run in db.session.execute(db.select(AssignmentRun).where(
            AssignmentRun.call_id == call.id, AssignmentRun.state.in_(PENDING_STATES))).scalars():
        if run.created_at > utcnow() - ABANDONED_AFTER:
            raise Refused(_("Une affectation automatique est déjà en cours de calcul pour cet appel : attendez "
                            "son résultat avant d'en demander une autre."))
        run.state, run.error, run.finished_at = FAILED, _("Calcul abandonné (worker arrêté)."), utcnow()
    inputs = inputs_of(call)
    if not inputs.pool:
        raise Refused(_("Le vivier de relecteurs de cet appel est vide : ajoutez des relecteurs avant de lancer "
                        "l'affectation automatique."))
    if not inputs.dossiers:
        raise Refused(_("Aucun dossier déposé n'est à relire sur cet appel (les brouillons et les dossiers dans "
                        "un état final ne sont pas affectés)."))
    run = AssignmentRun(call_id=call.id, requested_by_id=user.id, state=QUEUED, proposal={})
    db.session.add(run)
    db.session.flush()
    enqueue_after_commit(db.session(), run_assignment, run.id)
    return run


def _locked_run(run: AssignmentRun) -> AssignmentRun:
    return db.session.execute(db.select(AssignmentRun).where(AssignmentRun.id == run.id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one()


def _editable(run: AssignmentRun, edits: int | None = None) -> AssignmentRun:
    run = _locked_run(run)
    if run.state != DONE:
        raise Refused(_("Le calcul de cette proposition n'est pas terminé."))
    if run.confirmed_at is not None:
        raise Refused(_("Cette proposition a déjà été confirmée : rien n'a été refait."))
    latest = latest_run(db.session.get(Call, run.call_id))
    if latest is not None and latest.id != run.id:
        raise Refused(_("Une proposition plus récente existe : c'est elle qu'il faut relire et confirmer."))
    if edits is not None and edits != run.edits:
        raise Refused(_("La proposition a été modifiée depuis l'affichage de cette page : relisez-la avant de "
                        "la confirmer. Rien n'a été appliqué."))
    return run


def pair_refusal(call: Call, user_id: int, dossier) -> str | None:
    """Why this person may not review this dossier of the call, in French, or None."""
    member = db.session.execute(db.select(PoolMember).where(PoolMember.call_id == call.id,
                                                            PoolMember.user_id == user_id)).scalar_one_or_none()
    if member is None:
        return _("Cette personne ne fait pas partie du vivier de relecteurs de cet appel.")
    name = member.user.display_name
    under_review = db.session.execute(db.select(type(dossier).id).where(
        under_review_condition(call), type(dossier).id == dossier.id)).first()
    if under_review is None:
        return _("Ce dossier n'est pas à relire (brouillon ou état final).")
    pair = (user_id, dossier.id)
    conflicts = {pair} if db.session.execute(db.select(Conflict.id).where(
        Conflict.user_id == user_id, Conflict.dossier_id == dossier.id)).first() else set()
    existing = db.session.execute(db.select(Assignment).where(
        Assignment.user_id == user_id, Assignment.dossier_id == dossier.id)).scalar_one_or_none()
    request = solver.AssignmentRequest(
        dossiers=[Inputs.dossier(dossier)], reviewers=[Inputs.reviewer(member)],
        reviews_per_dossier=max(1, call.reviews_per_dossier), groups_per_dossier=0, conflicts=frozenset(conflicts),
        declined=frozenset({pair} if existing is not None and existing.state == DECLINED else ()))
    reason = solver.exclusion(request, request.reviewers[0], request.dossiers[0])
    if reason is not None:
        return _("%(name)s ne peut pas relire ce dossier : %(reason)s.", name=name, reason=reason.translated(_))
    if existing is not None:
        return _("%(name)s est déjà affecté·e à ce dossier.", name=name)
    return None


def remove_proposed(run: AssignmentRun, user_id: int, dossier_id: int) -> None:
    run = _editable(run)
    added = [pair for pair in run.proposal.get("added", []) if pair != [user_id, dossier_id]]
    if len(added) == len(run.proposal.get("added", [])):
        raise Refused(_("Cette affectation ne fait pas partie de la proposition."))
    run.proposal = {**run.proposal, "added": added, "edited": True}
    run.edits += 1


def add_proposed(run: AssignmentRun, call: Call, user_id: int, dossier) -> None:
    run = _editable(run)
    if [user_id, dossier.id] in run.proposal.get("added", []):
        raise Refused(_("Cette affectation est déjà proposée."))
    refusal = pair_refusal(call, user_id, dossier)
    if refusal:
        raise Refused(refusal)
    run.proposal = {**run.proposal, "added": sorted(run.proposal.get("added", []) + [[user_id, dossier.id]]),
                    "edited": True}
    run.edits += 1


def _due(call: Call):
    return utcnow() + timedelta(days=call.review_days)


def confirm(run: AssignmentRun, call: Call, user, edits: int) -> list[Assignment]:
    """Create the proposed assignments at once, or nothing: twice, stale or changed since shown is refused."""
    _lock_call(call)
    run = _editable(run, edits)
    if inputs_of(call).fingerprint != run.fingerprint:
        raise Refused(_("Les affectations, les conflits, le vivier ou les dossiers ont changé depuis le calcul : "
                        "cette proposition n'est plus à jour. Relancez l'affectation automatique ; rien n'a été "
                        "appliqué."))
    pairs = run.proposal.get("added", [])
    if not pairs:
        raise Refused(_("La proposition n'ajoute aucune affectation : il n'y a rien à confirmer."))
    due_at = _due(call)
    created = [Assignment(dossier_id=dossier_id, user_id=user_id, state=ASSIGNED, due_at=due_at, origin="automatic",
                          assigned_by_id=user.id) for user_id, dossier_id in pairs]
    db.session.add_all(created)
    db.session.flush()
    run.confirmed_at, run.confirmed_by_id = utcnow(), user.id
    _notify_assigned(call, created, key=f"run:{run.id}")
    return created


def assign_by_hand(call: Call, dossier, user_id: int, by) -> Assignment:
    _lock_call(call)
    refusal = pair_refusal(call, user_id, dossier)
    if refusal:
        raise Refused(refusal)
    assignment = Assignment(dossier_id=dossier.id, user_id=user_id, state=ASSIGNED, due_at=_due(call),
                            origin="manual", assigned_by_id=by.id)
    db.session.add(assignment)
    db.session.flush()
    _notify_assigned(call, [assignment], key=f"assignment:{assignment.id}")
    return assignment


def remove_assignment(call: Call, assignment: Assignment) -> None:
    """Only an assignment still to do, whose reviewer has not submitted a review, is removed."""
    _lock_call(call)
    if assignment.state == DECLINED:
        raise Refused(_("Cette relecture a été déclinée : elle reste enregistrée, pour que personne ne la propose "
                        "à nouveau."))
    submitted = db.session.execute(db.select(Review.id).where(
        Review.dossier_id == assignment.dossier_id, Review.user_id == assignment.user_id,
        Review.state == SUBMITTED)).first()
    if submitted is not None or assignment.state != ASSIGNED:
        raise Refused(_("%(name)s a déjà déposé son avis sur ce dossier : l'affectation est gardée.",
                        name=assignment.user.display_name))
    db.session.delete(assignment)
    db.session.flush()


def _notify_assigned(call: Call, assignments: list[Assignment], key: str) -> None:
    """One notification per reviewer, listing every dossier given to them at once."""
    by_user = defaultdict(list)
    for assignment in assignments:
        by_user[assignment.user_id].append(assignment)
    for user_id, theirs in by_user.items():
        reviewer = theirs[0].user
        dossiers = [{"number": a.dossier_id, "title": a.dossier.title or f"n° {a.dossier_id}",
                     "link": external_url("dossiers.show", dossier_id=a.dossier_id)} for a in theirs]
        notify(reviewer, "review_assigned", link=external_url("dossiers.index", appel=call.id),
               key=f"review_assigned:{key}:{user_id}", call=str(call), dossiers=dossiers, due_at=theirs[0].due_at)

