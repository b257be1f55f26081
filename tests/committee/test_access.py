"""Who may do what with a committee session, as aap.committee.access decides it."""
import pytest

from aap.committee.access import session_access
from aap.extensions import db
from tests import factories
from tests.committee.agenda_world import make_session


@pytest.fixture
def people(session):
    call = factories.make_open_call()
    members = [factories.make_user(roles=("committee",), call=call, totp=True) for _ in range(2)]
    meeting = make_session(call, members)
    meeting.chair_id = members[0].id
    db.session.commit()
    return {"session": meeting, "chair": members[0], "member": members[1],
            "admin": factories.make_user(roles=("admin",), totp=True),
            "instructor": factories.make_user(roles=("instructor",), totp=True),
            "stranger": factories.make_user(roles=("committee",), call=call, totp=True)}


def test_the_staff_and_the_chair_write_the_minutes_a_member_reads_them(people):
    meeting = people["session"]
    assert session_access(people["admin"], meeting).write_minutes
    assert session_access(people["instructor"], meeting).write_minutes
    chair = session_access(people["chair"], meeting)
    assert chair.write_minutes and chair.view and chair.chair and not chair.manage
    member = session_access(people["member"], meeting)
    assert member.view and not member.write_minutes
    assert not session_access(people["stranger"], meeting).view
    assert not session_access(people["stranger"], meeting).write_minutes
    assert meeting.can("write_minutes", people["chair"]) and not meeting.can("write_minutes", people["member"])


def test_the_minutes_go_with_the_chair_when_it_is_handed_over(people):
    meeting = people["session"]
    meeting.chair_id = people["member"].id
    db.session.commit()
    assert session_access(people["member"], meeting).write_minutes
    assert not session_access(people["chair"], meeting).write_minutes
