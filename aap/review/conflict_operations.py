"""Writes of conflicts of interest: declared by the person or recorded by an administrator, removed with a reason.

Each one is written into the dossier's internal history. Never commits.
"""
from flask_babel import gettext as _

from aap.dossiers.reviewers import ASSIGNED, CONFLICT_KINDS, Assignment, Conflict
from aap.extensions import db
from aap.review.reviewer_operations import decline
from aap.workflow import audit

#: the reason given to an assignment that a conflict ends
CONFLICT_REASON = "Conflit d'intérêts déclaré"


class ConflictRefused(ValueError):
    """A declaration that cannot be recorded, with the reason in French."""


def declare(dossier, user, kind: str, details: str, declared_by, now) -> Conflict:
    """The person steps aside from the dossier; an active assignment of theirs on it becomes declined."""
    if kind not in CONFLICT_KINDS:
        raise ConflictRefused(_("Choisissez l'une des natures proposées."))
    if kind == "other" and not details.strip():
        raise ConflictRefused(_("Précisez la nature du conflit d'intérêts."))
    if _existing(dossier.id, user.id) is not None:
        raise ConflictRefused(_("Un conflit d'intérêts est déjà déclaré pour cette personne sur ce dossier."))
    conflict = Conflict(dossier_id=dossier.id, user_id=user.id, kind=kind, details=details.strip(),
                        declared_by_id=declared_by.id, declared_at=now)
    db.session.add(conflict)
    audit.append(dossier, transition="conflict_declared", from_state=dossier.state, to_state=dossier.state,
                 actor=declared_by, at=now, comment=conflict.details,
                 payload={"person": user.id, "kind": kind}, holder_visible=False)
    assignment = db.session.execute(db.select(Assignment).where(
        Assignment.dossier_id == dossier.id, Assignment.user_id == user.id,
        Assignment.state == ASSIGNED)).scalar_one_or_none()
    if assignment is not None:
        decline(assignment, declared_by, CONFLICT_REASON, now)
    db.session.flush()
    return conflict


def _existing(dossier_id: int, user_id: int) -> Conflict | None:
    return db.session.execute(db.select(Conflict).where(Conflict.dossier_id == dossier_id,
                                                        Conflict.user_id == user_id)).scalar_one_or_none()


def remove(conflict: Conflict, actor, reason: str, now) -> None:
    """The person may read the dossier again as their grants allow; an assignment declined because of it stays so."""
    dossier = conflict.dossier
    audit.append(dossier, transition="conflict_removed", from_state=dossier.state, to_state=dossier.state,
                 actor=actor, at=now, comment=reason.strip(),
                 payload={"person": conflict.user_id, "kind": conflict.kind}, holder_visible=False)
    db.session.delete(conflict)
    db.session.flush()
