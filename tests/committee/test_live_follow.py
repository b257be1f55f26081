"""The follow address members' screens poll: the revision as ETag, 304 while unchanged, and the same few queries
whatever the number of members and votes."""
import pytest

from aap.committee.models import SessionMember, Vote
from aap.core.models import utcnow
from aap.extensions import db
from tests import factories
from tests.committee import live_world

#: the login's one (the account with its login session and its roles on calls), then one
FOLLOW_QUERIES = 2


@pytest.fixture
def world(session):
    return live_world.opened(live_world.meeting_world(), item=0)


def test_the_follow_address_answers_the_revision_and_the_current_item_then_304_until_it_changes(client, world):
    from aap.committee import live_operations as operations

    client.login(world.members[0])
    first = client.get(world.url + "/suivi")
    assert first.status_code == 200 and first.mimetype == "application/json"
    assert first.json == {"revision": world.meeting.revision, "item_id": world.items[0].id}
    assert first.headers["ETag"] == f'"r{world.meeting.revision}"'
    assert first.headers["Cache-Control"] == "private, no-cache"
    unchanged = client.get(world.url + "/suivi", headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == first.headers["ETag"]
    assert unchanged.headers["Cache-Control"] == "private, no-cache"

    operations.make_current(world.meeting, world.items[1], utcnow())
    db.session.commit()
    moved = client.get(world.url + "/suivi", headers={"If-None-Match": first.headers["ETag"]})
    assert moved.status_code == 200 and moved.json == {"revision": world.meeting.revision, "item_id": world.items[1].id}
    assert moved.headers["ETag"] != first.headers["ETag"]


def test_every_other_page_keeps_no_store(client, world):
    client.login(world.members[0])
    assert client.get(world.url + "/direct").headers["Cache-Control"] == "no-store"


def test_only_the_session_s_members_and_staff_follow_it(client, world):
    for person in (world.admin, world.instructor, world.members[1]):
        client.login(person)
        assert client.get(world.url + "/suivi").status_code == 200
    for person in (live_world.member(world.call), factories.make_user()):
        client.login(person)
        assert client.get(world.url + "/suivi").status_code == 404
    client.login(world.members[0])
    assert client.get("/comite/seances/999999/suivi").status_code == 404
    anonymous = client.application.test_client()
    assert anonymous.get(world.url + "/suivi").status_code == 302


def crowd(world, members: int, votes: int) -> None:
    """Convene more members, and make `votes` of all the members vote on the current item."""
    def convened():
        return db.session.execute(db.select(SessionMember.user_id).where(
            SessionMember.session_id == world.meeting.id).order_by(SessionMember.id)).scalars().all()

    for _number in range(members - len(convened())):
        person = factories.make_user(email=f"foule{next(live_world.COUNTER)}@example.org", roles=("reviewer",),
                                     call=world.call)
        db.session.add(SessionMember(session_id=world.meeting.id, user_id=person.id, attendance="remote"))
    db.session.flush()
    db.session.execute(db.delete(Vote).where(Vote.item_id == world.items[0].id))
    db.session.add_all(Vote(item_id=world.items[0].id, user_id=user_id, choice="favorable")
                       for user_id in convened()[:votes])
    db.session.commit()


def test_polling_costs_the_same_queries_with_2_or_60_members_and_2_or_60_votes(client, world, count_queries):
    client.login(world.members[0])
    seen = {}
    for members, votes in ((3, 2), (60, 2), (60, 60)):
        crowd(world, members, votes)
        for etag in (None, f'"r{world.meeting.revision}"'):
            headers = {"If-None-Match": etag} if etag else {}
            with count_queries() as counted:
                answer = client.get(world.url + "/suivi", headers=headers)
            assert answer.status_code == (304 if etag else 200)
            seen[(members, votes, bool(etag))] = counted.n
    assert set(seen.values()) == {FOLLOW_QUERIES}, seen


def test_the_live_page_costs_the_same_queries_with_3_or_60_members_and_votes(client, world, count_queries):
    client.login(world.instructor)
    seen = {}
    for members, votes in ((3, 2), (60, 60)):
        crowd(world, members, votes)
        with count_queries() as counted:
            assert client.get(world.url + "/direct").status_code == 200
        seen[members] = counted.n
    assert seen[3] == seen[60], seen
