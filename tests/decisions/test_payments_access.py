"""Who sees a grant's payments, types its bank details, reads the IBAN in full and pays: decided in one module."""
from aap.core.models import utcnow
from aap.decisions.access import exports_payments, follows_payments, payment_access
from aap.decisions.lifecycle import granted_decisions
from aap.dossiers.reviewers import Conflict
from aap.extensions import db
from tests import factories
from tests.decisions import payments_world
from tests.decisions.payments_world import co_funder, decision_on


def rights(user, world):
    return payment_access(user, world.dossier, granted_decisions(world.dossier.id))


def flags(answer) -> tuple:
    return answer.schedule, answer.bank_page, answer.enter_bank, answer.bank_in_full


def test_each_person_on_a_released_grant(session):
    world = payments_world.world()
    everyone = (True, True, True, True)
    assert flags(rights(world.holder, world)) == everyone and rights(world.holder, world).pays == frozenset()
    assert flags(rights(world.admin, world)) == (True, True, False, True)
    assert rights(world.admin, world).pays == {world.decision.id}
    assert flags(rights(world.instructor, world)) == (True, True, False, False)
    assert rights(world.instructor, world).pays == frozenset()
    for stranger in (factories.make_user(), factories.make_user(roles=("committee",), call=world.call, totp=True),
                     factories.make_user(roles=("reviewer",), call=world.call, totp=True),
                     factories.make_user(roles=("funder",), call=world.call, totp=True)):
        assert flags(rights(stranger, world)) == (False, False, False, False)
        assert rights(stranger, world).pays == frozenset()


def test_a_co_funders_decider_pays_its_own_decision_only(session):
    world = payments_world.world()
    decider = factories.make_user(roles=("funder",), call=world.call, totp=True)
    funded = decision_on(world.dossier, amount="5000", funder=co_funder(world.call, deciders=[decider]))
    answer = rights(decider, world)
    assert answer.pays == {funded.id} and flags(answer) == (True, True, False, True)
    assert rights(world.admin, world).pays == {world.decision.id, funded.id}


def test_a_conflict_of_interest_sets_the_decider_aside(session):
    world = payments_world.world()
    decider = factories.make_user(roles=("funder",), call=world.call, totp=True)
    decision_on(world.dossier, amount="5000", funder=co_funder(world.call, deciders=[decider]))
    db.session.add(Conflict(dossier_id=world.dossier.id, user_id=decider.id, kind="family", declared_at=utcnow()))
    db.session.commit()
    answer = rights(decider, world)
    assert flags(answer) == (False, False, False, False) and answer.pays == frozenset()


def test_nothing_before_the_release_for_the_holder(session):
    world = payments_world.world(released_at=None, planned=False)
    assert flags(rights(world.holder, world)) == (False, False, False, False)
    staged = payment_access(world.holder, world.dossier, [world.decision])  # a staged decision handed in by mistake
    assert flags(staged) == (False, False, False, False)
    assert rights(world.admin, world).pays == frozenset()


def test_the_list_is_the_instruction_teams_and_the_export_the_administrators(session):
    world = payments_world.world()
    assert follows_payments(world.admin) and follows_payments(world.instructor) and not follows_payments(world.holder)
    assert exports_payments(world.admin) and not exports_payments(world.instructor)
    assert not exports_payments(factories.make_user(roles=("funder",), call=world.call, totp=True))


def test_a_draft_is_its_organisations_alone(session):
    world = payments_world.world()
    world.dossier.reference = None  # as if never submitted
    db.session.commit()
    for person in (world.admin, world.instructor, world.holder):
        assert flags(rights(person, world)) == (False, False, False, False) and rights(person, world).pays == frozenset()
