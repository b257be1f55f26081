"""Who reads a grant's agreement and who manages it: decided in aap.decisions.access, nowhere else."""
from aap.core.models import utcnow
from aap.decisions.access import AgreementAccess, agreement_access
from aap.decisions.models import POSTPONED, REFUSED
from aap.dossiers.reviewers import Conflict
from aap.extensions import db
from tests import factories
from tests.decisions.documents_world import co_funder, granted, make_decision

READ, MANAGE, NONE = AgreementAccess(read=True), AgreementAccess(read=True, manage=True), AgreementAccess()


def test_the_authoritys_grant_is_read_by_its_holders_and_staff_and_managed_by_administrators(session):
    world = granted("30000")
    instructor = factories.make_user(roles=("instructor",), totp=True)
    reviewer = factories.make_user(roles=("reviewer",), call=world.call, totp=True)
    funder = factories.make_user(roles=("funder",), call=world.call, totp=True)
    assert agreement_access(world.holder, world.decision) == READ
    assert agreement_access(world.admin, world.decision) == MANAGE
    assert agreement_access(instructor, world.decision) == READ
    for stranger in (reviewer, funder, granted("1000").holder):
        assert agreement_access(stranger, world.decision) == NONE


def test_a_co_funders_grant_is_managed_by_its_deciders_too(session):
    world = granted("30000")
    decider, other = (factories.make_user(roles=("funder",), call=world.call, totp=True) for _ in range(2))
    own = make_decision(world.dossier, "25000", funder=co_funder(world.call, decider=decider), tranches=())
    co_funder(world.call, name="Région", decider=other)
    assert agreement_access(decider, own) == MANAGE
    assert agreement_access(other, own) == NONE  # another co-funder's decider has nothing to do with it
    assert agreement_access(decider, world.decision) == NONE
    assert agreement_access(world.admin, own) == MANAGE and agreement_access(world.holder, own) == READ


def test_nobody_has_an_agreement_for_a_staged_refused_adjourned_or_replaced_decision(session):
    world = granted("30000", released=False)
    replaced = make_decision(world.dossier, "30000", superseded=True)
    for decision in (world.decision, replaced, make_decision(world.dossier, outcome=REFUSED),
                     make_decision(world.dossier, outcome=POSTPONED)):
        assert agreement_access(world.admin, decision) == NONE
        assert agreement_access(world.holder, decision) == NONE


def test_a_recused_decider_neither_reads_nor_manages(session):
    world = granted("30000")
    decider = factories.make_user(roles=("funder",), call=world.call, totp=True)
    own = make_decision(world.dossier, "25000", funder=co_funder(world.call, decider=decider), tranches=())
    db.session.add(Conflict(dossier_id=world.dossier.id, user_id=decider.id, kind="family", declared_at=utcnow()))
    db.session.commit()
    assert agreement_access(decider, own) == NONE
