"""Who may decide, see and follow a grant: the access module's answers, person by person."""
from flask import g

from aap.core.models import utcnow
from aap.decisions.access import decides_on_call, grant_access, sees_call_decisions, sees_decision
from aap.decisions.models import Decision
from aap.dossiers.reviewers import Conflict
from aap.extensions import db
from tests import factories
from tests.decisions.world import admin, cofunder, deciding_call, granted_form, waiting_dossier


def test_the_authority_decides_through_the_roles_its_workflow_names_and_a_cofunder_through_its_seats(session):
    call = deciding_call()
    dossier = waiting_dossier(call)
    holder = dossier.organisation.memberships[0].user
    instructor = factories.make_user(roles=("instructor",), totp=True)
    seated = factories.make_user(email="seated.access@example.org", totp=True)
    region = cofunder(call, "Région", deciders=[seated])
    other = cofunder(call, "Département")
    person = admin()
    assert grant_access(person, dossier, None).decide and grant_access(person, dossier, region).decide
    assert not grant_access(instructor, dossier, None).decide and grant_access(instructor, dossier, None).see_staged
    assert grant_access(seated, dossier, region).decide and not grant_access(seated, dossier, other).decide
    assert not grant_access(seated, dossier, None).decide and not grant_access(seated, dossier, None).see_staged
    rights = grant_access(holder, dossier, None)
    assert rights.holder and not rights.decide and not rights.see_staged and not rights.manage
    assert decides_on_call(person, call, None) and not decides_on_call(instructor, call, None)
    assert sees_call_decisions(instructor, call) and sees_call_decisions(seated, call)
    assert not sees_call_decisions(holder, call)


def test_a_staged_decision_is_hidden_from_the_holder_and_a_released_one_is_theirs(session):
    call = deciding_call()
    dossier = waiting_dossier(call)
    holder = dossier.organisation.memberships[0].user
    stranger = factories.make_user()
    decision = Decision(dossier_id=dossier.id, outcome="granted", instrument="grant", amount=1000, details={},
                        deliberation_reference="DEL-1", deliberation_date=granted_form()["deliberation_date"],
                        decided_at=utcnow())
    db.session.add(decision)
    db.session.commit()
    assert not sees_decision(holder, decision) and not sees_decision(stranger, decision)
    assert sees_decision(admin(), decision)
    decision.released_at = utcnow()
    db.session.commit()
    assert sees_decision(holder, decision) and not sees_decision(stranger, decision)


def test_a_decider_in_conflict_with_the_dossier_is_set_aside(session):
    call = deciding_call()
    dossier = waiting_dossier(call)
    seated = factories.make_user(email="conflicted.access@example.org", totp=True)
    region = cofunder(call, "Région", deciders=[seated])
    assert grant_access(seated, dossier, region).decide
    db.session.add(Conflict(dossier_id=dossier.id, user_id=seated.id, kind="family", declared_at=utcnow()))
    db.session.commit()
    g.pop("dossier_access", None)  # a new request: the dossier's access is computed once per request
    assert grant_access(seated, dossier, region) == grant_access(None, dossier, region)
