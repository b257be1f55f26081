"""Who may poll a session's live state: the same people as those who may open its page."""
from aap.committee.access import follows, session_access
from aap.committee.live_queries import follow_state
from aap.core.models import utcnow
from tests import factories
from tests.committee import live_world


def test_following_a_session_agrees_with_its_view_access(session):
    world = live_world.meeting_world()
    outsider = live_world.member(world.call, name="Olga Hors-Séance")
    funder = factories.make_user(roles=("funder",), call=world.call, totp=True)
    holder = world.holder
    for person in [*world.members, world.admin, world.instructor, outsider, funder, holder]:
        convened = bool(follow_state(world.meeting.id, person.id).convened)
        assert follows(person, convened) == session_access(person, world.meeting).view, person.display_name


def test_the_chair_is_the_one_person_acting_as_chair(session):
    from aap.committee import live_operations as operations

    world = live_world.meeting_world()
    operations.open_session(world.meeting, world.instructor, without_quorum=False, now=utcnow())
    assert [person.display_name for person in [*world.members, world.admin, world.instructor]
            if session_access(person, world.meeting).chair] == ["Inès Tructrice"]
