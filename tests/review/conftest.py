"""A call with a submitted dossier, three assigned reviewers and an administrator, for the review pages' tests."""
from types import SimpleNamespace

import pytest

from aap.dossiers.reviewers import Assignment
from aap.extensions import db
from aap.review.models import PoolMember
from aap.workflow import engine
from tests import factories


@pytest.fixture
def world(session):
    call = factories.make_open_call()
    holder = factories.make_user()
    organisation = factories.make_organisation(members=[holder])
    dossier = factories.make_dossier(call, organisation, holder)
    engine.apply_transition(dossier.id, "submit", holder)
    reviewers = [factories.make_user(roles=("reviewer",), call=call, totp=True, full_name=f"Relectrice{n}")
                 for n in range(3)]
    for reviewer, group in zip(reviewers, ["banks", "networks", None]):
        db.session.add(Assignment(dossier_id=dossier.id, user_id=reviewer.id))
        if group:
            db.session.add(PoolMember(call_id=call.id, user_id=reviewer.id, group=group))
    admin = factories.make_user(roles=("admin",), totp=True)
    db.session.commit()
    return SimpleNamespace(call=call, holder=holder, organisation=organisation, dossier=dossier, reviewers=reviewers,
                           admin=admin)
