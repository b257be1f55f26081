"""A call with a reviewer pool and submitted dossiers, for the review pages' tests."""
from datetime import timedelta

from aap.core.models import utcnow
from aap.dossiers.reviewers import Assignment
from aap.extensions import db
from aap.review.models import PoolMember, Review
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


GOOD = {"score_utilite_sociale": "4", "score_ancrage_territorial": "3,5", "score_gouvernance": "5",
        "score_viabilite": "2", "score_cooperation": "n/a", "score_emplois": "",
        "committee_comment": "Projet solide, ancré dans le quartier.", "holder_comment": "Précisez le budget.",
        "recommendation": "favorable", "proposed_amount": "10000"}


def review_of(world, reviewer):
    return db.session.execute(db.select(Review).where(Review.dossier_id == world.dossier.id,
                                                      Review.user_id == reviewer.id)).scalar_one_or_none()


def post_review(client, world, action="submit", version="", **changes):
    return client.post(f"/relectures/dossiers/{world.dossier.id}", data={**GOOD, **changes, "action": action,
                                                                         "version": version})


def submit(client, world, reviewer, **changes):
    client.login(reviewer)
    response = post_review(client, world, **changes)
    assert response.status_code == 302, response.page
    return review_of(world, reviewer)
