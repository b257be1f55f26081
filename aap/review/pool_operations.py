"""Writes of the reviewer pools: members invited, changed, removed, and their stated preferences. Never commits."""
from flask_babel import gettext as _

from aap.auth.models import RoleGrant
from aap.auth.operations import find_user, invite
from aap.core.roles import REVIEWER
from aap.dossiers.models import Dossier
from aap.dossiers.reviewers import ASSIGNED, Assignment
from aap.extensions import db
from aap.organisations.communes import all_communes
from aap.review.models import DRAFT, PoolMember, Review
from aap.review.reviewer_operations import decline


class PoolRefused(ValueError):
    """A change of a pool that cannot be made, with the reason in French."""


def add_member(call, email: str, group: str, cap: int | None, inviter) -> PoolMember:
    """Invite the person as a reviewer of the call (a mail with their link) and put them in the group's pool."""
    existing = find_user(email)
    if existing is not None and _member(call.id, existing.id) is not None:
        raise PoolRefused(_("Cette personne fait déjà partie des relecteurs de cet appel."))
    user, _link = invite(email, REVIEWER, call.id, inviter)
    member = PoolMember(call_id=call.id, user_id=user.id, group=group, cap=cap, strand_ids=[],
                        non_neutral_communes=[], invited_by_id=inviter.id)
    db.session.add(member)
    db.session.flush()
    return member


def _member(call_id: int, user_id: int) -> PoolMember | None:
    return db.session.execute(db.select(PoolMember).where(PoolMember.call_id == call_id,
                                                          PoolMember.user_id == user_id)).scalar_one_or_none()


def update_member(member: PoolMember, group: str, cap: int | None) -> None:
    member.group, member.cap = group, cap


REMOVED_REASON = "Retiré·e des relecteurs de l'appel"


def remove_member(member: PoolMember, actor, now) -> dict[str, int]:
    """Out of the pool and of the call's review: pending assignments declined, unsubmitted drafts deleted.

    Submitted reviews stay: they were given and keep counting. The reviewer role on the call is withdrawn.
    """
    pending = db.session.execute(db.select(Assignment).join(Dossier, Dossier.id == Assignment.dossier_id).where(
        Dossier.call_id == member.call_id, Assignment.user_id == member.user_id,
        Assignment.state == ASSIGNED)).scalars().all()
    for assignment in pending:
        decline(assignment, actor, REMOVED_REASON, now, notify_staff=False)
    drafts = db.session.execute(db.delete(Review).where(
        Review.user_id == member.user_id, Review.state == DRAFT,
        Review.dossier_id.in_(db.select(Dossier.id).where(Dossier.call_id == member.call_id)))
        .execution_options(synchronize_session=False)).rowcount
    db.session.execute(db.delete(RoleGrant).where(RoleGrant.user_id == member.user_id, RoleGrant.role == REVIEWER,
                                                  RoleGrant.call_id == member.call_id))
    db.session.expire(member.user, ["grants"])
    db.session.delete(member)
    db.session.flush()
    return {"declined": len(pending), "drafts": drafts}


def save_preferences(member: PoolMember, strand_ids, communes, cap: int | None) -> None:
    """A commune ticked also covers the former communes merged into it (Pierrefitte-sur-Seine into Saint-Denis)."""
    chosen = set(communes or ())
    chosen |= {code for code, commune in all_communes().items() if commune.merged_into in chosen}
    member.strand_ids = sorted(set(strand_ids or ()))
    member.non_neutral_communes = sorted(chosen)
    member.cap = cap
