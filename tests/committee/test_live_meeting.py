"""Opening and closing a session, the chair stepping through the agenda, the hand-over, recusals as items come up."""
import pytest

from aap.committee.models import ABSENT, CLOSED, FAVORABLE, OPEN, Recusal, SessionMember
from aap.core.models import utcnow
from aap.extensions import db
from tests import factories
from tests.committee import live_world


@pytest.fixture
def world(session):
    return live_world.meeting_world()


def recusals(item) -> list[int]:
    return sorted(db.session.execute(db.select(Recusal.user_id).where(Recusal.item_id == item.id)).scalars())


def test_opening_below_the_quorum_is_refused_until_confirmed_then_recorded_as_such(client, world):
    world.meeting.quorum = 4
    db.session.commit()
    client.login(world.admin)
    refused = client.post(world.url + "/ouvrir")
    assert refused.status_code == 409
    assert "Le quorum n'est pas atteint : 3 membres présent·es pour un quorum de 4. Pour ouvrir quand même, cochez " \
           "la case ; le procès-verbal dira « quorum non atteint »." in refused.page
    assert 'aria-invalid="true"' in refused.page and 'id="without_quorum"' in refused.page
    db.session.refresh(world.meeting)
    assert world.meeting.state != OPEN and world.meeting.chair_id is None and world.meeting.revision == 1

    opened = client.post(world.url + "/ouvrir", data={"without_quorum": "y"}, follow_redirects=True)
    assert "La séance est ouverte ; vous la présidez." in opened.page
    assert "séance ouverte sans le quorum (3 présent·es à l'ouverture)" in opened.page
    meeting = world.meeting
    db.session.refresh(meeting)
    assert (meeting.state, meeting.present_at_opening, meeting.quorum_met) == (OPEN, 3, False)
    assert meeting.chair_id == world.admin.id and meeting.chair_since is not None and meeting.opened_at is not None
    assert meeting.revision == 2 and meeting.current_item_id is None


def test_opening_with_the_quorum_counts_only_members_in_the_room_or_remote(client, world):
    absent = db.session.execute(db.select(SessionMember).where(SessionMember.user_id == world.members[2].id)).scalar_one()
    absent.attendance = ABSENT
    db.session.commit()
    client.login(world.instructor)
    client.post(world.url + "/ouvrir")
    db.session.refresh(world.meeting)
    assert (world.meeting.present_at_opening, world.meeting.quorum_met) == (2, True)
    assert world.meeting.chair_id == world.instructor.id


def test_members_do_not_open_or_close_a_session_and_an_empty_agenda_is_not_opened(client, world):
    client.login(world.members[0])
    assert client.post(world.url + "/ouvrir", data={"without_quorum": "y"}).status_code == 403
    assert client.post(world.url + "/clore").status_code == 403
    empty = live_world.session_of(world.call, world.members)
    client.login(world.admin)
    answer = client.post(f"/comite/seances/{empty.id}/ouvrir", follow_redirects=True)
    assert "L'ordre du jour est vide : inscrivez au moins un dossier avant d'ouvrir la séance." in answer.page
    assert client.post(world.url + "/ouvrir", data={"without_quorum": "y"}).status_code == 303
    again = client.post(world.url + "/ouvrir", data={"without_quorum": "y"}, follow_redirects=True)
    assert "La séance est déjà ouverte." in again.page


def test_closing_lists_the_items_left_without_recommendation_and_needs_a_confirmation(client, world):
    live_world.opened(world)
    world.items[1].recommendation, world.items[1].amount = FAVORABLE, 5000
    db.session.commit()
    client.login(world.admin)
    refused = client.post(world.url + "/clore")
    assert refused.status_code == 409
    assert "2 dossiers n'ont pas d'avis du comité : AAP-2026-0001 Ressourcerie du Canal, AAP-2026-0003 Atelier " \
           "Vélo Pleyel. Pour clore quand même, cochez la case." in refused.page
    db.session.refresh(world.meeting)
    assert world.meeting.state == OPEN
    revision = world.meeting.revision
    closed = client.post(world.url + "/clore", data={"without_recommendation": "y"}, follow_redirects=True)
    assert "La séance est close." in closed.page
    db.session.refresh(world.meeting)
    assert world.meeting.state == CLOSED and world.meeting.closed_at is not None
    assert world.meeting.current_item_id is None and world.meeting.revision == revision + 1
    again = client.post(world.url + "/clore", data={"without_recommendation": "y"}, follow_redirects=True)
    assert "La séance est close." in again.page and world.meeting.revision == revision + 1


def test_closing_once_every_item_has_its_recommendation_needs_no_confirmation(client, world):
    live_world.opened(world)
    for item in world.items:
        item.recommendation = "defavorable"
    db.session.commit()
    client.login(world.admin)
    assert client.post(world.url + "/clore").status_code == 303
    db.session.refresh(world.meeting)
    assert world.meeting.state == CLOSED


def test_the_chair_steps_forward_and_back_and_each_item_records_its_recusals_once(client, world):
    live_world.opened(world, item=None)
    client.login(world.admin)
    first = client.post(world.url + "/point-suivant", data={"shown_item": ""}, follow_redirects=True)
    assert "Point 1 sur 3" in first.page and "Ressourcerie du Canal" in first.page
    db.session.refresh(world.meeting)
    assert world.meeting.current_item_id == world.items[0].id
    db.session.refresh(world.items[0])
    opened_at = world.items[0].opened_at
    assert opened_at is not None
    assert recusals(world.items[0]) == [world.members[1].id]

    client.post(world.url + "/point-suivant", data={"shown_item": world.items[0].id})
    db.session.refresh(world.meeting)
    assert world.meeting.current_item_id == world.items[1].id and recusals(world.items[1]) == []
    client.post(world.url + "/point-precedent", data={"shown_item": world.items[1].id})
    db.session.refresh(world.meeting)
    db.session.refresh(world.items[0])
    assert world.meeting.current_item_id == world.items[0].id
    assert recusals(world.items[0]) == [world.members[1].id] and world.items[0].opened_at == opened_at
    first_again = client.post(world.url + "/point-precedent", data={"shown_item": world.items[0].id},
                              follow_redirects=True)
    assert "C'est le premier point de l'ordre du jour." in first_again.page
    client.post(f"{world.url}/points/{world.items[2].id}/ouvrir", data={"shown_item": world.items[0].id})
    last = client.post(world.url + "/point-suivant", data={"shown_item": world.items[2].id}, follow_redirects=True)
    assert "C'est le dernier point de l'ordre du jour." in last.page
    db.session.refresh(world.meeting)
    assert world.meeting.current_item_id == world.items[2].id and world.meeting.revision == 6


def test_a_click_made_on_a_page_out_of_date_changes_nothing(client, world):
    live_world.opened(world, item=1)
    client.login(world.admin)
    stale = client.post(world.url + "/point-suivant", data={"shown_item": world.items[0].id}, follow_redirects=True)
    assert "Le point en cours a changé depuis l'affichage de cette page : rien n'a été fait." in stale.page
    forged = client.post(world.url + "/point-suivant", data={"shown_item": "abc"}, follow_redirects=True)
    assert "Le point en cours a changé" in forged.page
    db.session.refresh(world.meeting)
    assert world.meeting.current_item_id == world.items[1].id


def test_only_the_acting_chair_steps_and_the_others_are_told_who_chairs(client, world):
    live_world.opened(world)
    for person in (world.instructor, world.members[0]):
        client.login(person)
        for path in ("/point-suivant", "/point-precedent", f"/points/{world.items[2].id}/ouvrir", "/presidence",
                     f"/points/{world.items[0].id}/avis"):
            answer = client.post(world.url + path, data={"shown_item": world.items[0].id}, follow_redirects=True)
            assert "C'est Ada Présidente qui préside la séance : seule la personne qui préside mène l'ordre du " \
                   "jour, enregistre les avis et passe la présidence." in answer.page, path
        page = client.get(world.url + "/direct")
        assert "Point suivant" not in page.page and "Passer la présidence" not in page.page
    db.session.refresh(world.meeting)
    assert world.meeting.current_item_id == world.items[0].id and world.meeting.chair_id == world.admin.id


def test_nothing_steps_before_the_session_opens(client, world):
    client.login(world.admin)
    answer = client.post(world.url + "/point-suivant", data={"shown_item": ""}, follow_redirects=True)
    assert "La séance n'est pas encore ouverte." in answer.page
    db.session.refresh(world.meeting)
    assert world.meeting.current_item_id is None


def test_the_chair_hands_over_to_a_member_present_who_then_leads(client, world):
    live_world.opened(world)
    client.login(world.admin)
    page = client.get(world.url + "/direct")
    assert f'<option value="{world.members[0].id}">Nadia Réseau</option>' in page.page
    handed = client.post(world.url + "/presidence", data={"next_chair": world.members[0].id}, follow_redirects=True)
    assert "La présidence passe à Nadia Réseau." in handed.page
    assert "Nadia Réseau (depuis le" in handed.page
    db.session.refresh(world.meeting)
    assert world.meeting.chair_id == world.members[0].id and world.meeting.chair_since is not None
    refused = client.post(world.url + "/point-suivant", data={"shown_item": world.items[0].id}, follow_redirects=True)
    assert "C'est Nadia Réseau qui préside la séance" in refused.page
    client.login(world.members[0])
    page = client.get(world.url + "/direct")
    assert "vous présidez" in page.page and "Point suivant" in page.page
    client.post(world.url + "/point-suivant", data={"shown_item": world.items[0].id})
    db.session.refresh(world.meeting)
    assert world.meeting.current_item_id == world.items[1].id


def test_the_hand_over_goes_only_to_staff_or_to_a_member_present(client, world):
    live_world.opened(world)
    absent = db.session.execute(db.select(SessionMember).where(SessionMember.user_id == world.members[2].id)).scalar_one()
    absent.attendance = ABSENT
    outsider = factories.make_user(full_name="Oscar Dehors")
    db.session.commit()
    client.login(world.admin)
    for person in (absent.user_id, outsider.id, 999999):
        refused = client.post(world.url + "/presidence", data={"next_chair": person})
        assert refused.status_code == 400
        assert "La présidence passe à une personne de la collectivité (administration, instruction) ou à un membre " \
               "convoqué présent à la séance : choisissez dans la liste." in refused.page
    assert "Vous présidez déjà la séance" in client.post(world.url + "/presidence",
                                                         data={"next_chair": world.admin.id}).page
    empty = client.post(world.url + "/presidence", data={"next_chair": "0"})
    assert empty.status_code == 400 and "Choisissez la personne qui préside ensuite dans la liste." in empty.page
    assert client.post(world.url + "/presidence", data={"next_chair": world.instructor.id}).status_code == 303
    db.session.refresh(world.meeting)
    assert world.meeting.chair_id == world.instructor.id


def test_a_recused_member_sees_only_that_they_are_recused(client, world):
    live_world.opened(world, item=0)
    client.login(world.members[1])
    page = client.get(world.url + "/direct")
    assert page.status_code == 200
    assert "Vous êtes déporté·e pour ce dossier." in page.page
    dossier = world.dossiers[0]
    for secret in (dossier.title, dossier.reference, dossier.organisation.name, "12\u202f000", "Favorable</button>",
                   f"/dossiers/{dossier.id}/lecture", "votes exprimés"):
        assert secret not in page.page, secret
    assert "Café des Six Routes" in page.page  # the rest of the agenda stays readable


def test_an_item_brought_up_again_does_not_record_its_recusals_twice(session, world):
    from aap.committee import live_operations as operations

    live_world.opened(world, item=0)
    operations.make_current(world.meeting, world.items[1], utcnow())
    operations.make_current(world.meeting, world.items[0], utcnow())
    db.session.commit()
    assert recusals(world.items[0]) == [world.members[1].id]


def test_a_conflict_does_not_set_the_authority_s_staff_aside(session, world):
    from aap.committee import live_operations as operations

    db.session.add(SessionMember(session_id=world.meeting.id, user_id=world.instructor.id, attendance="room"))
    live_world.conflict(world.instructor, world.dossiers[2])
    live_world.opened(world, item=2)
    assert recusals(world.items[2]) == []
    assert not operations.access_recused(world.instructor, world.items[2])


def test_the_live_page_reads_in_english_for_a_member_who_chose_it(client, world):
    live_world.opened(world, item=1)
    world.members[0].locale = "en"
    db.session.commit()
    client.login(world.members[0])
    page = client.get(world.url + "/direct")
    assert "Live session — Comité de projets" in page.page and "Item 2 of 3" in page.page
    assert "0 votes cast out of 3 members who may vote." in page.page
    assert "Refresh the page to follow the session." in page.page


def test_the_session_s_pages_lead_to_the_live_page(client, world):
    client.login(world.members[0])
    agenda = client.get(f"{world.url}/preparation")
    assert f'<a href="{world.url}/direct">Séance en direct</a>' in agenda.page
    live = client.get(f"{world.url}/direct")
    assert f'<a href="{world.url}/direct" aria-current="page">Séance en direct</a>' in live.page
