"""Votes on the current item: once per convened member, never by a recused member, an outsider or staff."""
import pytest

from aap.committee.models import ABSENT, SessionMember, Vote
from aap.extensions import db
from tests import factories
from tests.committee import live_world


@pytest.fixture
def world(session):
    return live_world.opened(live_world.meeting_world(), item=0)


def cast(item) -> list[tuple[int, str]]:
    return sorted(db.session.execute(db.select(Vote.user_id, Vote.choice).where(Vote.item_id == item.id)).all())


def vote(client, world, item, choice):
    return client.post(f"{world.url}/points/{item.id}/vote", data={"choice": choice}, follow_redirects=True)


def test_a_member_votes_once_and_then_sees_the_totals(client, world):
    nadia = world.members[0]
    client.login(nadia)
    before = client.get(world.url + "/direct")
    assert "0 votes exprimés sur 2 membres pouvant voter." in before.page
    assert "Le détail des votes s'affiche une fois votre vote exprimé." in before.page
    assert "Résultat du vote à cet instant" not in before.page
    revision = world.meeting.revision
    answer = vote(client, world, world.items[0], "favorable")
    assert "Votre vote est enregistré : favorable." in answer.page
    assert "Vous avez voté : favorable." in answer.page and "Résultat du vote à cet instant" in answer.page
    assert "1 vote exprimé sur 2 membres pouvant voter." in answer.page
    assert "Favorable</button>" not in answer.page
    assert "Vote de chaque membre" not in answer.page  # who voted what is for the staff and the chair
    db.session.refresh(world.meeting)
    assert cast(world.items[0]) == [(nadia.id, "favorable")] and world.meeting.revision == revision + 1

    again = vote(client, world, world.items[0], "defavorable")
    assert "Vous avez déjà voté sur ce point (favorable) : un vote est définitif." in again.page
    assert cast(world.items[0]) == [(nadia.id, "favorable")]


def test_the_staff_and_the_chair_see_who_voted_what(client, world):
    client.login(world.members[0])
    vote(client, world, world.items[0], "abstention")
    client.login(world.instructor)
    page = client.get(world.url + "/direct")
    assert "Vote de chaque membre" in page.page
    assert "<th scope=\"row\">Nadia Réseau</th>\n        <td>Abstention</td>" in page.page
    assert "<th scope=\"row\">Bruno Banque</th>\n        <td>déporté·e</td>" in page.page
    assert "<th scope=\"row\">Élise Élue</th>\n        <td>pas encore voté</td>" in page.page
    assert "Vous suivez la séance pour la collectivité : seul·es les membres convoqué·es votent." in page.page


def test_a_recused_member_never_votes(client, world):
    client.login(world.members[1])
    answer = vote(client, world, world.items[0], "favorable")
    assert "Vous êtes déporté·e pour ce dossier. Vous ne votez pas sur ce point." in answer.page
    assert cast(world.items[0]) == []


def test_a_conflict_declared_after_the_item_came_up_still_forbids_the_vote(client, world):
    live_world.conflict(world.members[2], world.dossiers[0])
    client.login(world.members[2])
    answer = vote(client, world, world.items[0], "favorable")
    assert "Vous êtes déporté·e pour ce dossier. Vous ne votez pas sur ce point." in answer.page
    assert cast(world.items[0]) == []


def test_staff_not_convened_do_not_vote_and_people_outside_the_session_do_not_know_it(client, world):
    client.login(world.admin)
    answer = vote(client, world, world.items[0], "favorable")
    assert "Seul·es les membres convoqué·es à la séance votent : vous n'en faites pas partie." in answer.page
    outsider = live_world.member(world.call, name="Olga Hors-Séance")
    client.login(outsider)
    assert client.post(f"{world.url}/points/{world.items[0].id}/vote", data={"choice": "favorable"}).status_code == 404
    assert client.get(world.url + "/direct").status_code == 404
    client.login(factories.make_user())
    assert client.post(f"{world.url}/points/{world.items[0].id}/vote", data={"choice": "favorable"}).status_code == 404
    assert cast(world.items[0]) == []


def test_a_vote_goes_only_to_the_current_item_while_the_session_is_open(client, world):
    client.login(world.members[0])
    answer = vote(client, world, world.items[1], "favorable")
    assert "Ce dossier n'est plus le point en cours : le vote porte seulement sur le point en cours." in answer.page
    other = live_world.session_of(world.call, world.members)
    other_item = live_world.agenda(other, [world.dossiers[1]])[0]
    assert client.post(f"{world.url}/points/{other_item.id}/vote", data={"choice": "favorable"}).status_code == 404
    world.meeting.state = "closed"
    db.session.commit()
    closed = vote(client, world, world.items[0], "favorable")
    assert "La séance est close : les votes sont terminés." in closed.page
    planned = live_world.session_of(world.call, world.members)
    planned_item = live_world.agenda(planned, [world.dossiers[0]])[0]
    early = client.post(f"/comite/seances/{planned.id}/points/{planned_item.id}/vote", data={"choice": "favorable"},
                        follow_redirects=True)
    assert "Les votes ont lieu pendant la séance, une fois celle-ci ouverte." in early.page
    assert db.session.execute(db.select(Vote)).first() is None


def test_a_vote_that_is_not_one_of_the_three_is_refused(client, world):
    client.login(world.members[0])
    for choice in ("", "pour", "Favorable"):
        answer = vote(client, world, world.items[0], choice)
        assert "Choisissez votre vote : favorable, défavorable ou abstention." in answer.page
    assert cast(world.items[0]) == []


def test_a_member_marked_absent_does_not_vote(client, world):
    row = db.session.execute(db.select(SessionMember).where(SessionMember.user_id == world.members[2].id)).scalar_one()
    row.attendance = ABSENT
    db.session.commit()
    client.login(world.members[2])
    page = client.get(world.url + "/direct")
    assert "Favorable</button>" not in page.page
    answer = vote(client, world, world.items[0], "favorable")
    assert "Vous êtes noté·e absent·e à cette séance : votre vote n'est pas possible." in answer.page
    assert cast(world.items[0]) == []


def test_a_second_vote_slipping_past_the_check_is_stopped_by_the_database_with_the_same_message(client, world,
                                                                                               monkeypatch):
    from aap.committee import live_queries

    nadia = world.members[0]
    db.session.add(Vote(item_id=world.items[0].id, user_id=nadia.id, choice="abstention"))
    db.session.commit()
    real, calls = live_queries.own_vote, []

    def unseen_once(item, user_id):
        calls.append(user_id)
        return None if len(calls) == 1 else real(item, user_id)  # as if the first vote were still being written

    monkeypatch.setattr(live_queries, "own_vote", unseen_once)
    client.login(nadia)
    answer = vote(client, world, world.items[0], "favorable")
    assert "Vous avez déjà voté sur ce point (abstention) : un vote est définitif." in answer.page
    assert cast(world.items[0]) == [(nadia.id, "abstention")]
