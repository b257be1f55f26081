"""Who may read, fill in, review and close a dossier's final report; the list page's shortcut agrees with the rule."""
import pytest

from aap.decisions.access import ReportAccess, grant_access, manages_grant, report_access
from aap.decisions.models import Funder, FunderDecider
from aap.extensions import db
from tests import factories
from tests.decisions.reports_world import granted_dossier


@pytest.fixture
def world(session):
    return granted_dossier()


def test_each_role_on_the_final_report(world):
    reviewer = factories.make_user(roles=("reviewer",), call=world.call, totp=True)
    committee = factories.make_user(roles=("committee",), call=world.call, totp=True)
    assert report_access(world.holder, world.dossier) == ReportAccess(read=True, fill=True)
    assert report_access(world.instructor, world.dossier) == ReportAccess(read=True, review=True)
    assert report_access(world.admin, world.dossier) == ReportAccess(read=True, review=True, close=True)
    for stranger in (factories.make_user(), reviewer, committee, None):
        assert report_access(stranger, world.dossier) == ReportAccess()


def test_the_list_pages_shortcut_agrees_with_the_grant_rule(world):
    funder = Funder(call_id=world.call.id, name="Région")
    db.session.add(funder)
    db.session.flush()
    seated = factories.make_user(roles=("funder",), call=world.call, totp=True)
    db.session.add(FunderDecider(funder_id=funder.id, user_id=seated.id))
    db.session.commit()
    people = [world.holder, world.instructor, world.admin, seated, factories.make_user()]
    for decision_funder in (None, funder):
        world.decision.funder_id = funder.id if decision_funder else None
        db.session.flush()
        db.session.refresh(world.decision)
        for person in people:
            assert manages_grant(person, world.decision) == \
                grant_access(person, world.dossier, decision_funder).manage, (person, decision_funder)
