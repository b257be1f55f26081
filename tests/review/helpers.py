"""A call with a reviewer pool and submitted dossiers, for the review pages' tests."""
from datetime import timedelta

from aap.core.models import utcnow
from aap.dossiers.reviewers import Assignment
from aap.extensions import db
from aap.review.models import PoolMember
from aap.workflow import engine
from tests import factories


def submitted_dossier(call, organisation=None, title="Épicerie solidaire"):
    holder = factories.make_user()
    organisation = organisation or factories.make_organisation(members=[holder])
    if holder not in [m.user for m in organisation.memberships]:
        organisation = factories.make_organisation(members=[holder])
    dossier = factories.make_dossier(call, organisation, holder, title=title)
    engine.apply_transition(dossier.id, "submit", holder)
    db.session.commit()
    return dossier


def reviewer(call, group="banks", **fields):
    user = factories.make_user(roles=("reviewer",), call=call, totp=True, **fields)
    db.session.add(PoolMember(call_id=call.id, user_id=user.id, group=group, strand_ids=[], non_neutral_communes=[]))
    db.session.commit()
    return user


def assign(dossier, user, days=10, **fields):
    assignment = Assignment(dossier_id=dossier.id, user_id=user.id, due_at=utcnow() + timedelta(days=days), **fields)
    db.session.add(assignment)
    db.session.commit()
    return assignment
