"""A session's agenda: the dossiers ready for committee, in the committee's order, and what each person sees of it."""
import re

import pytest

from aap.committee.agenda_operations import MAX_ITEMS
from aap.committee.models import OPEN, AgendaItem, CommitteeSession
from aap.core.models import utcnow
from aap.dossiers.reviewers import Conflict
from aap.extensions import db
from tests import factories
from tests.committee.agenda_world import make_session, put_on_agenda, ready_dossier, strands_of


@pytest.fixture
def world(session):
    call = factories.make_open_call(title="Appel ESS 2026")
    creation, development = strands_of(call)
    member = factories.make_user(roles=("committee",), call=call, totp=True, full_name="Bruno Banque")
    conflicted = factories.make_user(roles=("committee",), call=call, totp=True, full_name="Chloé Région")
    meeting = make_session(call, [member, conflicted])
    dossiers = {
        "low": ready_dossier(call, development, "40", title="Recyclerie"),
        "high": ready_dossier(call, development, "85.5", title="Café associatif"),
        "creation": ready_dossier(call, creation, "20", title="Jardin partagé"),
        "unscored": ready_dossier(call, creation, None, title="Atelier vélo"),
        "in_review": ready_dossier(call, creation, "99", state="in_review", title="Pas encore prêt"),
    }
    other_call = factories.make_open_call(title="Autre appel")
    dossiers["other_call"] = ready_dossier(other_call, None, "90", title="Dossier d'un autre appel")
    db.session.add(Conflict(dossier_id=dossiers["high"].id, user_id=conflicted.id, kind="member",
                            declared_at=utcnow()))
    db.session.commit()
    return {"call": call, "session": meeting, "member": member, "conflicted": conflicted, "dossiers": dossiers}


def agenda_url(world, path=""):
    return f"/comite/seances/{world['session'].id}/ordre-du-jour{path}"


def references_in(page: str) -> list[str]:
    return re.findall(r"AAP-C\d{5}", page)


def items_of(world) -> list[str]:
    db.session.expire_all()
    items = db.session.execute(db.select(AgendaItem).where(AgendaItem.session_id == world["session"].id)
                               .order_by(AgendaItem.position)).scalars()
    return [item.dossier.title for item in items]


def test_the_ready_dossiers_are_offered_by_strand_then_score(client, login_as, world):
    login_as("instructor")
    page = client.get(agenda_url(world)).page
    ready = page[page.index("ready-title"):]
    titles = re.findall(r"AAP-C\d{5} — ([^·<]+?) ·", ready)
    assert titles == ["Jardin partagé", "Atelier vélo", "Café associatif", "Recyclerie"]
    assert "Pas encore prêt" not in page and "Dossier d'un autre appel" not in page


def test_adding_all_then_reordering_by_hand_and_by_strand_and_score(client, login_as, world):
    login_as("instructor")
    answer = client.post(agenda_url(world, "/inscrire"), data={"tous": "1"}, follow_redirects=True)
    assert "4 dossiers inscrits à l'ordre du jour." in answer.page
    assert items_of(world) == ["Jardin partagé", "Atelier vélo", "Café associatif", "Recyclerie"]
    last = db.session.execute(db.select(AgendaItem).where(AgendaItem.position == 4)).scalar_one()
    client.post(agenda_url(world, f"/{last.id}/monter"))
    assert items_of(world) == ["Jardin partagé", "Atelier vélo", "Recyclerie", "Café associatif"]
    first = db.session.execute(db.select(AgendaItem).where(AgendaItem.position == 1)).scalar_one()
    client.post(agenda_url(world, f"/{first.id}/monter"))  # already first: it stays
    assert items_of(world)[0] == "Jardin partagé"
    client.post(agenda_url(world, "/trier"))
    assert items_of(world) == ["Jardin partagé", "Atelier vélo", "Café associatif", "Recyclerie"]
    removed = client.post(agenda_url(world, f"/{first.id}/retirer"), follow_redirects=True)
    assert "retiré de l'ordre du jour" in removed.page
    assert items_of(world) == ["Atelier vélo", "Café associatif", "Recyclerie"]
    positions = db.session.execute(db.select(AgendaItem.position).order_by(AgendaItem.position)).scalars().all()
    assert positions == [1, 2, 3]
    assert "Jardin partagé" in removed.page[removed.page.index("ready-title"):]  # ready again


def test_checked_dossiers_are_added_and_the_others_stay_ready(client, login_as, world):
    login_as("instructor")
    chosen = world["dossiers"]["low"]
    answer = client.post(agenda_url(world, "/inscrire"), data={"dossier": [str(chosen.id)]}, follow_redirects=True)
    assert "1 dossier inscrit à l'ordre du jour." in answer.page
    assert items_of(world) == ["Recyclerie"]


@pytest.mark.parametrize("which", ["in_review", "other_call"])
def test_a_dossier_not_ready_or_of_another_call_is_refused_and_nothing_added(client, login_as, world, which):
    login_as("instructor")
    ids = [str(world["dossiers"]["low"].id), str(world["dossiers"][which].id)]
    answer = client.post(agenda_url(world, "/inscrire"), data={"dossier": ids}, follow_redirects=True)
    assert "1 dossier ne peut pas être inscrit" in answer.page and "Rien n'a été inscrit." in answer.page
    assert items_of(world) == []


@pytest.mark.parametrize("data, message", [
    ({}, "Cochez au moins un dossier à inscrire à l'ordre du jour."),
    ({"dossier": ["abc", "99999999999999999999"]}, "Cochez au moins un dossier à inscrire à l'ordre du jour."),
])
def test_nothing_checked_or_forged_values_are_said(client, login_as, world, data, message):
    login_as("instructor")
    assert message in client.post(agenda_url(world, "/inscrire"), data=data, follow_redirects=True).page


def test_a_dossier_waiting_on_another_session_is_neither_offered_nor_added(client, login_as, world):
    other = make_session(world["call"], title="Comité d'automne")
    put_on_agenda(other, [world["dossiers"]["low"]])
    login_as("instructor")
    page = client.get(agenda_url(world)).page
    assert "Recyclerie" not in page
    answer = client.post(agenda_url(world, "/inscrire"), data={"dossier": [str(world["dossiers"]["low"].id)]},
                         follow_redirects=True)
    assert "1 dossier ne peut pas être inscrit" in answer.page


def test_once_the_session_is_open_the_agenda_no_longer_changes(client, login_as, world):
    put_on_agenda(world["session"], [world["dossiers"]["low"]])
    world["session"].state = OPEN
    db.session.commit()
    login_as("instructor")
    page = client.get(agenda_url(world)).page
    assert "Inscrire les dossiers cochés" not in page and "Monter" not in page
    answer = client.post(agenda_url(world, "/inscrire"), data={"tous": "1"}, follow_redirects=True)
    assert "La séance est ouverte : l'ordre du jour ne change plus" in answer.page
    assert items_of(world) == ["Recyclerie"]


def test_an_item_of_another_session_is_not_moved(client, login_as, world):
    other = make_session(world["call"], title="Comité d'automne")
    [item] = put_on_agenda(other, [world["dossiers"]["creation"]])
    login_as("instructor")
    answer = client.post(agenda_url(world, f"/{item.id}/retirer"), follow_redirects=True)
    assert "Ce point n'est pas (ou plus) à l'ordre du jour de cette séance." in answer.page
    assert db.session.get(AgendaItem, item.id) is not None


def test_an_agenda_holds_a_bounded_number_of_dossiers(client, login_as, world, monkeypatch):
    monkeypatch.setattr("aap.committee.agenda_operations.MAX_ITEMS", 3)
    login_as("instructor")
    answer = client.post(agenda_url(world, "/inscrire"), data={"tous": "1"}, follow_redirects=True)
    assert "Un ordre du jour compte 3 dossiers au plus" in answer.page and items_of(world) == []
    assert MAX_ITEMS == 300


def test_members_read_the_agenda_and_a_conflicted_member_sees_only_the_recusal(client, world):
    put_on_agenda(world["session"], [world["dossiers"]["high"], world["dossiers"]["low"]])
    client.login(world["member"])
    page = client.get(agenda_url(world)).page
    assert "Café associatif" in page and "Recyclerie" in page and "Inscrire" not in page and "Retirer" not in page
    client.login(world["conflicted"])
    for path in (agenda_url(world), f"/comite/seances/{world['session'].id}/preparation"):
        page = client.get(path).page
        assert "Vous êtes déporté·e pour ce dossier." in page
        assert "Café associatif" not in page and world["dossiers"]["high"].reference not in page
        assert "Recyclerie" in page


def test_the_preparation_page_links_each_dossier_s_reading_and_pdf(client, world):
    put_on_agenda(world["session"], [world["dossiers"]["low"]])
    client.login(world["member"])
    page = client.get(f"/comite/seances/{world['session'].id}/preparation").page
    dossier_id = world["dossiers"]["low"].id
    assert f'href="/dossiers/{dossier_id}/lecture"' in page and f'href="/dossiers/{dossier_id}/dossier-complet.pdf"' in page
    assert "note moyenne : 40,00 / 100" in page
    assert client.get(f"/dossiers/{dossier_id}/lecture").status_code == 200


def test_members_do_not_edit_and_strangers_do_not_see(client, login_as, world):
    client.login(world["member"])
    assert client.post(agenda_url(world, "/inscrire"), data={"tous": "1"}).status_code == 403
    login_as("reviewer")
    assert client.get(agenda_url(world)).status_code == 404
    login_as("instructor")
    assert client.get("/comite/seances/999999/ordre-du-jour").status_code == 404


def test_the_agenda_costs_the_same_queries_for_3_and_60_items(client, login_as, world, count_queries):
    counts = {}
    for number in (3, 60):
        meeting = make_session(world["call"], [world["member"]], title=f"Comité {number}")
        put_on_agenda(meeting, [ready_dossier(world["call"], None, "50") for _ in range(number)])
        login_as("instructor")
        for path in ("ordre-du-jour", "preparation"):
            client.get(f"/comite/seances/{meeting.id}/{path}")
            with count_queries() as counted:
                assert client.get(f"/comite/seances/{meeting.id}/{path}").status_code == 200
            counts[number, path] = counted.n
    assert counts[3, "ordre-du-jour"] == counts[60, "ordre-du-jour"]
    assert counts[3, "preparation"] == counts[60, "preparation"]
    assert db.session.execute(db.select(db.func.count()).select_from(CommitteeSession)).scalar_one() == 3
