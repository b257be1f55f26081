"""Writes of assignments from the reviewer's side: declining one. Never commits."""
from flask_babel import gettext as _

from aap.core.urls import external_url
from aap.dossiers.notifications import recipients
from aap.dossiers.reviewers import ASSIGNED, DECLINED
from aap.notifications.operations import notify
from aap.notifications.reminders import plan
from aap.review.reminders import REVIEW_DUE
from aap.workflow import audit


class AssignmentRefused(ValueError):
    """An assignment that cannot be declined (already done or declined), with the reason in French."""


def decline(assignment, actor, reason: str, now, notify_staff: bool = True) -> None:
    """Declined with its reason, in the dossier's internal history; reminders dropped; instructors told."""
    if assignment.state != ASSIGNED:
        raise AssignmentRefused(_("Cette relecture n'est plus à faire : elle ne peut plus être déclinée."))
    assignment.state, assignment.decline_reason = DECLINED, reason.strip()
    dossier = assignment.dossier
    audit.append(dossier, transition="review_declined", from_state=dossier.state, to_state=dossier.state,
                 actor=actor, at=now, comment=assignment.decline_reason,
                 payload={"reviewer": assignment.user_id}, holder_visible=False)
    plan(REVIEW_DUE, assignment.id, None, now)
    if notify_staff:
        _tell_instructors(assignment)


def _tell_instructors(assignment) -> None:
    dossier, reviewer = assignment.dossier, assignment.user
    for instructor in recipients(dossier, "instructors"):
        notify(instructor, "review_declined", link=external_url("dossiers.show", dossier_id=dossier.id),
               key=f"review_declined:{assignment.id}:{instructor.id}", reviewer=reviewer.display_name,
               dossier_title=dossier.title or f"n° {dossier.id}", dossier_number=dossier.id,
               reference=dossier.reference or "", call=str(dossier.call), reason=assignment.decline_reason)
