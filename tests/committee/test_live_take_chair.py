"""A chair who left: a staff person takes the chair explicitly, and the screens follow."""
from aap.committee.models import CommitteeSession
from aap.extensions import db
from tests.committee.live_world import meeting_world, opened


def chair_of(world) -> int | None:
    db.session.expire_all()
    return db.session.get(CommitteeSession, world.meeting.id).chair_id


def test_staff_take_the_chair_only_when_they_confirm(client, session):
    world = opened(meeting_world())
    revision = world.meeting.revision
    client.login(world.instructor)
    page = client.get(world.url + "/direct").page
    assert "Ada Présidente préside la séance." in page and "Prendre la présidence" in page
    unconfirmed = client.post(world.url + "/presidence/reprendre", data={})
    assert unconfirmed.status_code == 409
    assert "Cochez la case pour prendre la présidence à la place de Ada Présidente." in unconfirmed.page
    assert chair_of(world) == world.admin.id
    taken = client.post(world.url + "/presidence/reprendre", data={"confirm": "y"}, follow_redirects=True)
    assert "Vous présidez la séance." in taken.page and chair_of(world) == world.instructor.id
    assert db.session.get(CommitteeSession, world.meeting.id).revision > revision
    client.login(world.admin)
    refused = client.post(world.url + "/point-suivant", data={}, follow_redirects=True)
    assert "Inès Tructrice" in refused.page  # the former chair is told who chairs now


def test_members_do_not_take_the_chair_and_the_chair_is_told_they_already_chair(client, session):
    world = opened(meeting_world())
    client.login(world.members[0])
    assert client.post(world.url + "/presidence/reprendre", data={"confirm": "y"}).status_code == 403
    assert chair_of(world) == world.admin.id
    client.login(world.admin)
    again = client.post(world.url + "/presidence/reprendre", data={"confirm": "y"}, follow_redirects=True)
    assert "Vous présidez déjà la séance." in again.page


def test_the_chair_is_not_taken_before_the_session_opens(client, session):
    world = meeting_world()
    client.login(world.instructor)
    refused = client.post(world.url + "/presidence/reprendre", data={"confirm": "y"}, follow_redirects=True)
    assert chair_of(world) is None and "Prendre la présidence" not in refused.page
